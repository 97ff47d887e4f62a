// The demo tells a story in about 20 seconds: two consumers on free ports, and a producer whose
// load first fits them, then outruns them (the queue grows), then eases (the queue drains). It
// ends with the summary and the path of an HTML report. It stops everything it started when the
// producer ends, and on Ctrl-C.
//
// "Outruns" depends on the machine, so the demo first measures what the two consumers complete
// per second with its task mix (a couple of seconds at full speed) and sets the mean rate just
// under that. The sine profile, starting at its slowest, then swings from 0.2× to 1.8× the mean:
// well within capacity, then far beyond it at mid-run, then back.
import { freePort, repoRoot as root, startConsumer, startProcess, terminateAll } from "./lib/processes.js";
import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";

const reports = join(root, "reports");
const reportFile = join(reports, "demo-report.html");
/** Set by Ctrl-C: start nothing new. */
let interrupted = false;

/** Seconds of the story: one whole swing of the sine. */
const STORY_SECONDS = 18;
/** The mean load as a share of the measured capacity: at the peak (1.8×) the queue grows fast, and it drains by the end. */
const LOAD_SHARE = 0.9;
/** Mostly big Fibonacci numbers, so a call takes tens of milliseconds and the rates stay readable. */
const TASK_MIX = ["--fib-share", "0.8", "--fib-min", "200000", "--fib-max", "350000"];
const CALIBRATION_TASKS = 40;
/** Used when the measurement fails, so the demo still runs. */
const FALLBACK_CAPACITY = 20;


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

/** Tasks per second the two consumers complete with the demo's mix, measured at full speed. */
async function measureCapacity(targets: readonly string[]): Promise<number | undefined> {
  const args = ["--tasks", String(CALIBRATION_TASKS), "--interval", "0", "--stats-every", "0", "--seed", "1", "--log-format", "json", ...TASK_MIX, ...targets];
  const { code, output } = await runProducer(args, "keep", 60);
  const summary = output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { event: string; throughput_per_s?: number })
    .find((event) => event.event === "summary");
  return code === 0 && summary?.throughput_per_s ? summary.throughput_per_s : undefined;
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

  console.log(`demo: measuring what they complete per second at full speed (${CALIBRATION_TASKS} tasks)...`);
  const measured = await measureCapacity(targets);
  if (interrupted) return stopped();
  const capacity = measured ?? FALLBACK_CAPACITY;
  if (measured === undefined) console.log(`demo: the measurement failed; assuming ${FALLBACK_CAPACITY} tasks/s`);
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
  console.log(`demo: ./run_rpc_producer.sh ${args.join(" ")}\n`);
  // Bounded: the story, then the queue's drain and the report, with room to spare.
  const { code } = await runProducer(args, "inherit", STORY_SECONDS + 120);
  stopAll();
  console.log(interrupted ? `\ndemo: interrupted; the producer stopped early (exit code ${code}).` : `\ndemo: done (producer exit code ${code}).`);
  console.log(`demo: the run's report: ${reportFile}`);
  console.log(`      open it in a browser, or make a PNG: scripts/report-screenshot.sh ${relative(root, reportFile)}`);
  console.log(`demo: consumer logs: ${ports.map((p) => `reports/demo-consumer-${p}.log`).join(", ")}`);
  return code;
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
