// The demo tells a story in about 20 seconds: two consumers on free ports, and a producer whose
// load first fits them, then outruns them (the queue grows), then eases (the queue drains). It
// ends with the summary, the path of an HTML report, and a check that the story did show. It
// stops everything it started when the producer ends, and on Ctrl-C.
//
// "Outruns" must hold on a busy machine too, so every task is `system sleep 100`: it holds a
// consumer for 100 ms without using the CPU, and two consumers manage at most 20 tasks/s however
// many other processes compete for the cores (a call's own cost, tens of ms on a loaded machine,
// stays a small part of it). (Fibonacci tasks, as the demo used before, cost CPU:
// on a loaded machine a short calibration measured a third of the real capacity, and the queue
// never grew.) A two-second calibration at full speed measures the cost of a call on top of the
// sleep; the mean rate is set just under the measured capacity. The sine profile, starting at its
// slowest, then swings from 0.2× to 1.8× the mean: well within capacity, then far beyond it at
// mid-run, then back.
import { freePort, repoRoot as root, startConsumer, startProcess, terminateAll } from "./lib/processes.js";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";

const reports = join(root, "reports");
const reportFile = join(reports, "demo-report.html");
/** Set by Ctrl-C: start nothing new. */
let interrupted = false;

/** Seconds of the story: one whole swing of the sine. */
const STORY_SECONDS = 18;
/** The mean load as a share of the measured capacity: at the peak (1.8×) the queue grows fast, and it drains by the end. */
const LOAD_SHARE = 0.9;
/** What a task costs a consumer: a blocking wait, no CPU (PROTOCOL §2 `system sleep MS`). */
const SLEEP_MS = 100;
const TASK_MIX = ["--sleep-ms", String(SLEEP_MS)];
/** Two consumers, each one task per SLEEP_MS at best. */
const CEILING = (2 * 1000) / SLEEP_MS;
/** Two seconds' worth at the ceiling: long enough that the first call's start-up weighs little. */
const CALIBRATION_TASKS = 2 * CEILING;
/** The queue "grew" once it held this many tasks... */
const GROWN = 15;
/** ...by this far into the run: the load peaks at mid-run, so the queue should be long by then. */
const GROWN_BY_S = 0.6 * STORY_SECONDS;

/** Starts a consumer (as users do, through its script) whose log goes to a file; resolves once it is listening. */
async function startDemoConsumer(port: number): Promise<void> {
  await startConsumer(port, [], { viaScript: true, output: "tail", logFile: join(reports, `demo-consumer-${port}.log`) });
}

/** Runs the producer with `args`, its output kept or shown; resolves with its exit code and what it printed. */
async function runProducer(args: readonly string[], output: "keep" | "inherit", boundS: number): Promise<{ code: number; output: string }> {
  const producer = startProcess(join(root, "run_rpc_producer.sh"), args, { output });
  const exit = await producer.exited(boundS * 1000);
  return { code: exit.code ?? 1, output: producer.stdout() };
}

/**
 * Tasks per second the two consumers complete, measured at full speed: from the first reply to
 * the last (the producer's own start-up is not the consumers' capacity).
 */
async function measureCapacity(targets: readonly string[]): Promise<number | undefined> {
  const args = ["--tasks", String(CALIBRATION_TASKS), "--interval", "0", "--stats-every", "0", "--log-format", "json", ...TASK_MIX, ...targets];
  const { code, output } = await runProducer(args, "keep", 60);
  const done = output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { event: string; time: string })
    .filter((event) => event.event === "task_done")
    .map((event) => Date.parse(event.time));
  if (code !== 0 || done.length < CALIBRATION_TASKS / 2) return undefined;
  const seconds = (Math.max(...done) - Math.min(...done)) / 1000;
  return seconds > 0 ? (done.length - 1) / seconds : undefined;
}

/** The queue as the report sampled it (its embedded data), or why it cannot be read. */
function queueSamples(): { at_s: number; depth: number }[] | string {
  if (!existsSync(reportFile)) return `there is no report at ${relative(root, reportFile)}`;
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(readFileSync(reportFile, "utf8"));
  if (match === null) return `the report ${relative(root, reportFile)} has no data`;
  const data = JSON.parse(match[1]!) as { queue?: { at_s: number; depth: number }[] };
  return data.queue ?? "the report has no queue samples";
}

/**
 * Did the story show? The queue must pass GROWN tasks by GROWN_BY_S and be empty at the end.
 * Returns the verdict as one plain sentence, and whether it holds.
 */
function checkStory(): { ok: boolean; text: string } {
  const samples = queueSamples();
  if (typeof samples === "string") return { ok: false, text: `cannot tell whether the queue grew and drained: ${samples}` };
  if (samples.length === 0) return { ok: false, text: "cannot tell whether the queue grew and drained: the report has no queue samples" };
  const peak = samples.reduce((a, b) => (b.depth > a.depth ? b : a));
  const grown = samples.find((s) => s.depth >= GROWN);
  const last = samples[samples.length - 1]!;
  const s = (x: number): string => `${x.toFixed(1)} s`;
  const problems: string[] = [];
  if (grown === undefined || grown.at_s > GROWN_BY_S) {
    problems.push(
      `the queue ${grown === undefined ? "never" : `only at ${s(grown.at_s)}`} held ${GROWN} tasks (peak ${peak.depth} at ${s(peak.at_s)}; it should by ${s(GROWN_BY_S)}): ` +
        "the load did not outrun the consumers",
    );
  }
  if (last.depth > 0) problems.push(`the queue still held ${last.depth} tasks at the end: it did not drain`);
  if (problems.length > 0) return { ok: false, text: `the story did NOT show: ${problems.join("; ")}.` };
  return {
    ok: true,
    text: `the story showed: the queue passed ${GROWN} tasks at ${s(grown!.at_s)}, peaked at ${peak.depth} at ${s(peak.at_s)} and drained to 0 by the end.`,
  };
}

/** After Ctrl-C: stop what runs and give the shell's exit code for an interrupt. */
function stopped(): number {
  stopAll();
  console.log("\ndemo: interrupted; stopped everything it started");
  return 130;
}

function stopAll(): void {
  void terminateAll();
}

async function main(): Promise<number> {
  mkdirSync(reports, { recursive: true });
  const ports = [await freePort(), await freePort()];
  const targets = ports.map(String);
  console.log(`demo: starting two consumers on 127.0.0.1:${ports[0]} and 127.0.0.1:${ports[1]} (logs in reports/)`);
  await Promise.all(ports.map(startDemoConsumer));
  if (interrupted) return stopped();

  console.log(
    `demo: every task is "system sleep ${SLEEP_MS}": it holds a consumer ${SLEEP_MS} ms without using the CPU, so the two\n` +
      `      manage at most ${CEILING} tasks/s however busy the machine is. Measuring the cost of a call on top (${CALIBRATION_TASKS} tasks)...`,
  );
  const measured = await measureCapacity(targets);
  if (interrupted) return stopped();
  if (measured === undefined) console.log(`demo: the measurement failed; assuming ${CEILING} tasks/s`);
  const capacity = Math.min(measured ?? CEILING, CEILING);
  const mean = capacity * LOAD_SHARE;
  const interval = Math.round((1 / mean) * 10_000) / 10_000;
  console.log(
    `demo: the consumers manage about ${capacity.toFixed(1)} tasks/s. For ${STORY_SECONDS} s the load now swings from ` +
      `${(0.2 * mean).toFixed(1)} to ${(1.8 * mean).toFixed(1)} tasks/s and back:\n` +
      `      first it fits, at mid-run it outruns them and the queue grows, then it eases and the queue drains.`,
  );

  const args = [
    "--duration", String(STORY_SECONDS),
    "--profile", "sine", "--period", String(STORY_SECONDS),
    "--interval", String(interval),
    ...TASK_MIX,
    "--stats-every", "1",
    "--quiet",
    "--report", reportFile,
    ...targets,
  ];
  rmSync(reportFile, { force: true }); // the check must read this run's report, not an older one
  console.log(`demo: ./run_rpc_producer.sh ${args.join(" ")}\n`);
  // Bounded: the story, then the queue's drain and the report, with room to spare.
  const { code } = await runProducer(args, "inherit", STORY_SECONDS + 120);
  stopAll();
  if (interrupted) {
    console.log(`\ndemo: interrupted; the producer stopped early (exit code ${code}).`);
    return code;
  }
  console.log(`\ndemo: done (producer exit code ${code}).`);
  console.log(`demo: the run's report: ${reportFile}`);
  console.log(`      open it in a browser, or make a PNG: scripts/report-screenshot.sh ${relative(root, reportFile)}`);
  console.log(`demo: consumer logs: ${ports.map((p) => `reports/demo-consumer-${p}.log`).join(", ")}`);
  const story = checkStory();
  console.log(`demo: ${story.text}`);
  return story.ok ? code : Math.max(code, 1);
}

// Ctrl-C reaches every process of the terminal's group; the producer drains and prints its summary.
process.on("SIGINT", () => {
  interrupted = true;
  setTimeout(stopAll, 3_000).unref();
});
process.on("SIGTERM", stopAll);
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${(error as Error).message}`);
    stopAll();
    process.exit(1);
  },
);
