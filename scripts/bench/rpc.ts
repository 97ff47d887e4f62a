// RPC throughput benchmark: `node --import tsx scripts/bench/rpc.ts [--json] [--quick] [--rounds N]
// [--seconds S] [--warmup S] [--only K,K] [--skip-rss | --rss-only] [--save FILE.json]`, or
// `… rpc.ts --from FILE.json` to print the table of a saved run again without measuring.
//
// The same consumers, the same command, the same calls in flight — three drivers, each in its own
// process, taking turns:
//   ours    drivers/loop-driver.ts   our loop (src/loop) + the producer's RpcClient, no logging
//   native  drivers/native-driver.ts async/await + node:net, connect / write / read to end
//   python  drivers/asyncio_driver.py asyncio.open_connection / write / read to EOF (stdlib)
// For K = 1, 2, 4 consumer processes (started here on free ports), the mixes `system ping` and
// `fibonacci_generator calculate 1000`, and 1 and 8 calls in flight per consumer, every round runs
// each driver once for `--seconds` (after a short warm-up inside the driver); the order rotates
// from round to round (A B C, B C A, C A B …) so no driver always follows the same one. Reported:
// the median over rounds of calls/s and p50 latency, and the median of the per-round ratios
// ours/native and ours/python. Goals: ours ≥ 0.95 × native, ≥ 2 × python.
//
// Also: the real producer's peak RSS (VmHWM) with 10,000 tasks queued at once against 32
// consumers (goal ≤ 100 MB), run through run_rpc_producer.sh as users run it (the compiled bundle,
// the script's node flags; the script execs node, so the PID sampled is the program's); and the
// producer's added latency per call: p50 of ours minus p50 of native, one consumer, one call in
// flight, `system ping` (paired per round, median). Consumers run through run_rpc_consumer.sh too.
//
// Only 127.0.0.1; every process it starts is stopped on the way out, also on an error or Ctrl-C.
import { repoRoot as root, startConsumers, startProcess, terminateAll, type RunningConsumer } from "../lib/processes.js";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { median, runDriver, stopEverythingOnSignals, table, vmHwmKb, type DriverResult } from "./measure.js";

const drivers = join(import.meta.dirname, "drivers");

// ---------------------------------------------------------------------------------------------
// Options

const { values: opts } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    seconds: { type: "string" },
    warmup: { type: "string" },
    "skip-rss": { type: "boolean", default: false },
    "rss-only": { type: "boolean", default: false },
    only: { type: "string" },
    save: { type: "string" },
    from: { type: "string" },
  },
});
const quick = opts.quick;
const rounds = Number(opts.rounds ?? (quick ? 1 : 5));
const seconds = Number(opts.seconds ?? (quick ? 0.5 : 2));
const warmup = Number(opts.warmup ?? (quick ? 0.2 : 0.5));
const consumerCounts = opts["rss-only"] ? [] : opts.only ? opts.only.split(",").map(Number) : [1, 2, 4];
const rssConsumers = quick ? 8 : 32;
const rssTasks = quick ? 2_000 : 10_000;

const MIXES = [
  { name: "ping", command: "system ping" },
  { name: "fib 1000", command: "fibonacci_generator calculate 1000" },
] as const;
const INFLIGHT = [1, 8] as const;

interface Driver {
  readonly name: "ours" | "native" | "python";
  readonly argv: readonly string[];
}
const DRIVERS: readonly Driver[] = [
  { name: "ours", argv: [process.execPath, "--import", "tsx", join(drivers, "loop-driver.ts")] },
  { name: "native", argv: [process.execPath, "--import", "tsx", join(drivers, "native-driver.ts")] },
  { name: "python", argv: ["python3", join(drivers, "asyncio_driver.py")] },
];

const GOAL_NATIVE = 0.95;
const GOAL_PYTHON = 2;
const GOAL_RSS_MB = 100;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// ---------------------------------------------------------------------------------------------
// Processes: everything started goes through scripts/lib/processes.ts, which tracks it; all of
// it is stopped on the way out.

/** SIGTERM first: consumers and drivers close cleanly; SIGKILL after 3 s. */
function stop(running: { stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<unknown> }): Promise<unknown> {
  return running.stop("SIGTERM", 3_000);
}

/** `count` consumers (scripts/lib/processes.ts startConsumers) and their ports. */
async function startConsumersOn(count: number): Promise<{ ports: number[]; children: RunningConsumer[] }> {
  const children = await startConsumers(count);
  return { ports: children.map((c) => c.port), children };
}

// ---------------------------------------------------------------------------------------------
// One driver run

function runDriverOn(driver: Driver, ports: readonly number[], command: string, inflight: number): Promise<DriverResult> {
  const args = ["--targets", ports.map((port) => `127.0.0.1:${port}`).join(","), "--command", command, "--inflight", String(inflight), "--seconds", String(seconds), "--warmup", String(warmup)];
  // Start-up, warm-up and the measured phase, with room to spare; then it is stuck.
  return runDriver(driver.name, [...driver.argv, ...args], (warmup + seconds + 30) * 1000);
}

// ---------------------------------------------------------------------------------------------
// Statistics


interface DriverSummary {
  readonly callsPerS: number;
  readonly p50Ms: number;
  /** The driver process's CPU time (user + system) per call: what a busy machine disturbs least. */
  readonly cpuUsPerCall: number;
  readonly errors: number;
  readonly rounds: readonly DriverResult[];
}

interface Row {
  readonly consumers: number;
  readonly mix: string;
  readonly command: string;
  readonly inflightPerConsumer: number;
  readonly ours: DriverSummary;
  readonly native: DriverSummary;
  readonly python: DriverSummary | null;
  /** Median over rounds of (ours / native) in that round. */
  readonly oursOverNative: number;
  readonly oursOverPython: number | null;
  /** Median over rounds of (p50 ours − p50 native) in that round, ms. */
  readonly addedP50Ms: number;
}

function summarize(results: readonly DriverResult[]): DriverSummary {
  return {
    callsPerS: median(results.map((r) => r.calls_per_s)),
    p50Ms: median(results.map((r) => r.p50_ms ?? Number.NaN)),
    cpuUsPerCall: median(results.map((r) => r.cpu_us_per_call ?? Number.NaN)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    rounds: results,
  };
}

// ---------------------------------------------------------------------------------------------
// The throughput rows

async function measureRow(consumers: number, ports: readonly number[], mix: (typeof MIXES)[number], inflight: number, haveDriver: readonly Driver[]): Promise<Row> {
  const byDriver = new Map<string, DriverResult[]>(haveDriver.map((d) => [d.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < haveDriver.length; i++) {
      const driver = haveDriver[(round + i) % haveDriver.length]!;
      const result = await runDriverOn(driver, ports, mix.command, inflight);
      if (result.errors > 0) log(`  ${driver.name}: ${result.errors} failed calls, first: ${result.first_error}`);
      byDriver.get(driver.name)!.push(result);
    }
  }
  const ours = byDriver.get("ours")!;
  const native = byDriver.get("native")!;
  const python = byDriver.get("python");
  const perRound = (f: (i: number) => number): number => median(Array.from({ length: rounds }, (_, i) => f(i)));
  return {
    consumers,
    mix: mix.name,
    command: mix.command,
    inflightPerConsumer: inflight,
    ours: summarize(ours),
    native: summarize(native),
    python: python ? summarize(python) : null,
    oursOverNative: perRound((i) => ours[i]!.calls_per_s / native[i]!.calls_per_s),
    oursOverPython: python ? perRound((i) => ours[i]!.calls_per_s / python[i]!.calls_per_s) : null,
    addedP50Ms: perRound((i) => (ours[i]!.p50_ms ?? Number.NaN) - (native[i]!.p50_ms ?? Number.NaN)),
  };
}

// ---------------------------------------------------------------------------------------------
// Producer peak RSS

interface RssResult {
  readonly consumers: number;
  readonly tasks: number;
  readonly peakRssMb: number;
  readonly exitCode: number | null;
  readonly succeeded: number | null;
  readonly failed: number | null;
  readonly lost: number | null;
  readonly durationS: number | null;
  readonly throughputPerS: number | null;
  readonly samples: number;
}


async function measureProducerRss(): Promise<RssResult> {
  log(`producer RSS: starting ${rssConsumers} consumers`);
  const { ports, children: consumers } = await startConsumersOn(rssConsumers);
  try {
    const args = [
      "--tasks",
      String(rssTasks),
      "--interval",
      "0",
      // Room for every task at once: all of them are queued before the first is sent.
      "--queue-limit",
      String(rssTasks),
      "--log-format",
      "json",
      "--stats-every",
      "0",
      "--timeout",
      "30",
      ...ports.map(String),
    ];
    log(`producer RSS: ${rssTasks} tasks against ${rssConsumers} consumers`);
    // Through the script users run, with its node flags: it execs node, so its PID is the program's.
    // Its JSON log goes to a pipe we drain, keeping the last lines: the summary is among them.
    const producer = startProcess(join(root, "run_rpc_producer.sh"), args, { output: "tail" });
    let peakKb = 0;
    let samples = 0;
    const sample = (): void => {
      const kb = vmHwmKb(producer.child.pid!);
      if (kb !== undefined) {
        peakKb = Math.max(peakKb, kb);
        samples++;
      }
    };
    const poll = setInterval(sample, 20);
    let exitCode: number | null;
    try {
      exitCode = (await producer.exited(120_000)).code;
    } catch (error) {
      log(`producer RSS: ${(error as Error).message}; killed`);
      exitCode = (await producer.stop("SIGKILL")).code;
    } finally {
      clearInterval(poll);
    }
    const summaryLine = [...producer.stdoutLines].reverse().find((line) => line.includes('"event":"summary"'));
    const summary = summaryLine === undefined ? undefined : (JSON.parse(summaryLine) as Record<string, unknown>);
    const err = producer.stderrLines.join("\n").trim();
    if (err) log(`producer stderr: ${err.slice(0, 500)}`);
    const num = (key: string): number | null => (typeof summary?.[key] === "number" ? (summary[key] as number) : null);
    return {
      consumers: rssConsumers,
      tasks: rssTasks,
      peakRssMb: Math.round(peakKb / 102.4) / 10,
      exitCode,
      succeeded: num("succeeded"),
      failed: num("failed"),
      lost: num("lost"),
      durationS: num("duration_s"),
      throughputPerS: num("throughput_per_s"),
      samples,
    };
  } finally {
    await Promise.all(consumers.map(stop));
  }
}

// ---------------------------------------------------------------------------------------------
// Printing

function pythonVersion(): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn("python3", ["--version"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("error", () => resolve(null));
    child.once("exit", (code) => resolve(code === 0 ? out.trim().replace(/^Python /, "") : null));
  });
}


const fixed = (n: number | null | undefined, digits: number): string => (n === null || n === undefined || Number.isNaN(n) ? "n/a" : n.toFixed(digits));
const rate = (n: number | null | undefined): string => (n === null || n === undefined || Number.isNaN(n) ? "n/a" : Math.round(n).toLocaleString("en"));

interface Results {
  readonly machine: { cpus: number; cpuModel: string; node: string; python: string | null; loadAvgStart: number[]; loadAvgEnd: number[] };
  readonly config: { rounds: number; secondsPerRun: number; warmupPerRun: number; quick: boolean };
  readonly goals: { oursOverNative: number; oursOverPython: number; producerRssMb: number };
  readonly rows: readonly Row[];
  readonly addedLatencyMs: number | null;
  readonly rss: RssResult | null;
  /** Flat lines for a runner's combined table (scripts/bench/index.ts). */
  readonly summary: readonly { measure: string; value: string; goal: string; met: boolean | null }[];
}

function report(results: Results): string {
  const { machine, config, rows, rss } = results;
  const verdict = (met: boolean | null): string => (met === null ? "" : met ? "met" : "MISSED");
  const lines = [
    `RPC throughput: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, Python ${machine.python ?? "missing"}; ` +
      `load average ${machine.loadAvgStart.map((l) => l.toFixed(2)).join(" ")} at start, ${machine.loadAvgEnd.map((l) => l.toFixed(2)).join(" ")} at end`,
    `${config.rounds} rounds × ${config.secondsPerRun} s per driver (after a ${config.warmupPerRun} s warm-up each), turns rotating; ` +
      `calls/s, p50 and CPU/call (the driver process's user + system time per call) are medians over rounds, ratios are medians of per-round ratios; a fresh connection per call`,
    "",
    table([
      ["K", "mix", "in flight", "ours/s", "native/s", "python/s", "ours/native", "ours/python", "goals ≥0.95, ≥2", "p50 ms ours", "native", "python", "CPU µs/call ours", "native", "python"],
      ...rows.map((row) => [
        String(row.consumers),
        row.mix,
        `${row.inflightPerConsumer}/consumer`,
        rate(row.ours.callsPerS),
        rate(row.native.callsPerS),
        rate(row.python?.callsPerS),
        fixed(row.oursOverNative, 2),
        fixed(row.oursOverPython, 2),
        `${verdict(row.oursOverNative >= GOAL_NATIVE)} / ${row.oursOverPython === null ? "n/a" : verdict(row.oursOverPython >= GOAL_PYTHON)}`,
        fixed(row.ours.p50Ms, 3),
        fixed(row.native.p50Ms, 3),
        fixed(row.python?.p50Ms, 3),
        fixed(row.ours.cpuUsPerCall, 0),
        fixed(row.native.cpuUsPerCall, 0),
        fixed(row.python?.cpuUsPerCall, 0),
      ]),
    ], 3),
  ];
  const errors = rows.flatMap((row) => [row.ours, row.native, row.python].filter((s) => s !== null && s.errors > 0).map((s) => `${row.consumers}/${row.mix}/${row.inflightPerConsumer}: ${s!.rounds[0]!.driver} ${s!.errors}`));
  if (errors.length > 0) lines.push(`failed calls: ${errors.join("; ")}`);
  lines.push("");
  lines.push(`producer's added latency per call (K=1, ping, 1 in flight; p50 ours − p50 native, median of rounds): ${fixed(results.addedLatencyMs, 3)} ms`);
  if (rss) {
    lines.push(
      `producer peak RSS (VmHWM), ${rss.tasks.toLocaleString("en")} tasks queued at once against ${rss.consumers} consumers: ${fixed(rss.peakRssMb, 1)} MB ` +
        `(goal ≤ ${GOAL_RSS_MB} MB: ${verdict(rss.peakRssMb <= GOAL_RSS_MB)}); run: exit ${rss.exitCode}, ${rss.succeeded ?? "?"} succeeded, ` +
        `${rss.failed ?? "?"} failed, ${rss.lost ?? "?"} lost, ${fixed(rss.durationS, 1)} s, ${rate(rss.throughputPerS)} tasks/s`,
    );
  }
  return lines.join("\n");
}

function summaryLines(rows: readonly Row[], addedLatencyMs: number | null, rss: RssResult | null): Results["summary"] {
  const out: { measure: string; value: string; goal: string; met: boolean | null }[] = [];
  for (const row of rows) {
    const name = `K=${row.consumers} ${row.mix}, ${row.inflightPerConsumer}/consumer`;
    out.push({
      measure: `rpc ${name}: ours/native`,
      value: `${fixed(row.oursOverNative, 2)} (${rate(row.ours.callsPerS)} vs ${rate(row.native.callsPerS)}/s)`,
      goal: `≥ ${GOAL_NATIVE}`,
      met: row.oursOverNative >= GOAL_NATIVE,
    });
    if (row.oursOverPython !== null) {
      out.push({
        measure: `rpc ${name}: ours/python`,
        value: `${fixed(row.oursOverPython, 2)} (python ${rate(row.python?.callsPerS)}/s)`,
        goal: `≥ ${GOAL_PYTHON}`,
        met: row.oursOverPython >= GOAL_PYTHON,
      });
    }
  }
  out.push({ measure: "rpc producer added latency (p50)", value: `${fixed(addedLatencyMs, 3)} ms`, goal: "", met: null });
  if (rss) out.push({ measure: `rpc producer peak RSS, ${rss.tasks} tasks / ${rss.consumers} consumers`, value: `${fixed(rss.peakRssMb, 1)} MB`, goal: `≤ ${GOAL_RSS_MB} MB`, met: rss.peakRssMb <= GOAL_RSS_MB });
  return out;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadAvgStart = os.loadavg();
  const python = await pythonVersion();
  if (python === null) log("python3 not found: the python column is skipped");
  const haveDriver = DRIVERS.filter((d) => d.name !== "python" || python !== null);

  const rows: Row[] = [];
  for (const k of consumerCounts) {
    log(`starting ${k} consumer(s)`);
    const { ports, children: consumers } = await startConsumersOn(k);
    try {
      for (const mix of MIXES) {
        for (const inflight of INFLIGHT) {
          log(`K=${k} ${mix.name}, ${inflight} in flight per consumer: ${rounds} round(s)`);
          rows.push(await measureRow(k, ports, mix, inflight, haveDriver));
        }
      }
    } finally {
      await Promise.all(consumers.map(stop));
    }
  }
  const base = rows.find((row) => row.consumers === 1 && row.mix === "ping" && row.inflightPerConsumer === 1);
  const addedLatencyMs = base ? base.addedP50Ms : null;
  const rss = opts["skip-rss"] ? null : await measureProducerRss();

  const cpus = os.cpus();
  const results: Results = {
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? "unknown", node: process.version, python, loadAvgStart, loadAvgEnd: os.loadavg() },
    config: { rounds, secondsPerRun: seconds, warmupPerRun: warmup, quick },
    goals: { oursOverNative: GOAL_NATIVE, oursOverPython: GOAL_PYTHON, producerRssMb: GOAL_RSS_MB },
    rows,
    addedLatencyMs,
    rss,
    summary: summaryLines(rows, addedLatencyMs, rss),
  };
  if (opts.save) writeFileSync(opts.save, `${JSON.stringify(results, null, 1)}\n`);
  process.stdout.write(opts.json ? `${JSON.stringify(results)}\n` : `${report(results)}\n`);
}

stopEverythingOnSignals(log);

try {
  if (opts.from) process.stdout.write(`${report(JSON.parse(readFileSync(opts.from, "utf8")) as Results)}\n`);
  else await main();
} catch (error) {
  log(`rpc benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await terminateAll();
}
