// `npm run bench`: runs every benchmark of scripts/bench/ — loop.ts, consumer.ts, rpc.ts, gateway.ts, broker.ts, those
// that exist — one after the other, each as its own child process with `--json`, and prints one
// combined table (measure, value, goal, verdict). Their progress lines go to stderr as they run.
//
//   npm run bench                    # the full run (about twenty minutes on 2 cores)
//   npm run bench -- --quick         # a smoke run with short settings
//   npm run bench -- --json          # one JSON object: every benchmark's own results
//   npm run bench -- --only rpc,loop # some of them (loop, consumer, rpc, gateway, broker)
//
// A benchmark that is missing is listed as such; one that fails is reported with the end of its
// stderr, and the others still run. Exit code 1 if any failed.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const here = import.meta.dirname;
const root = join(here, "..", "..");

const { values: opts } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
  },
});

interface Row {
  readonly measure: string;
  readonly value: string;
  readonly goal: string;
  /** true met, false missed, null no goal. */
  readonly met: boolean | null;
}

interface Bench {
  readonly name: string;
  /** Extra arguments for `--quick` (each benchmark has its own knobs). */
  readonly quickArgs: readonly string[];
  /** Turns the benchmark's JSON into table rows. */
  readonly rows: (json: Record<string, unknown>) => Row[];
}

// ---------------------------------------------------------------------------------------------
// Reading each benchmark's JSON. Written defensively: a benchmark may change its output, and
// then its rows fall back to a flat listing of its numbers rather than failing the whole run.

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (typeof value === "object" && value !== null ? (value as Json) : {});
const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
const fmt = (value: number | undefined, digits = 0, unit = ""): string =>
  value === undefined ? "n/a" : `${value.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits })}${unit}`;
const metOf = (value: unknown): boolean | null => (typeof value === "boolean" ? value : null);

function loopRows(json: Json): Row[] {
  const pingPong = obj(json.pingPong);
  const sleepers = obj(json.sleepers);
  const rows: Row[] = [];
  const variants = Array.isArray(pingPong.variants) ? pingPong.variants.map(obj) : [];
  for (const variant of variants) {
    rows.push({ measure: `loop ping-pong, ${String(variant.name)}`, value: fmt(num(variant.handoffsPerSecond), 0, " hand-offs/s"), goal: "", met: null });
  }
  const goal = obj(pingPong.goal);
  rows.push({ measure: "loop ping-pong, ours / native", value: fmt(num(pingPong.oursOverNative), 2, "×"), goal: `≥ ${fmt(num(goal.oursOverNative), 1)}×`, met: metOf(goal.met) });
  if (num(pingPong.oursOverNativeCpu) !== undefined) {
    rows.push({ measure: "loop ping-pong, ours / native by CPU time", value: fmt(num(pingPong.oursOverNativeCpu), 2, "×"), goal: "", met: null });
  }
  if (num(pingPong.oursOverEffection) !== undefined) {
    rows.push({ measure: "loop ping-pong, ours / effection", value: fmt(num(pingPong.oursOverEffection), 2, "×"), goal: "", met: null });
  }
  const sleepGoal = obj(sleepers.goal);
  rows.push({
    measure: `loop ${fmt(num(sleepers.tasks))} sleepers, wall time`,
    value: fmt(num(sleepers.wallMs), 0, " ms"),
    goal: `≤ ${fmt(num(sleepGoal.wallMs))} ms`,
    met: num(sleepers.wallMs) !== undefined && num(sleepGoal.wallMs) !== undefined ? num(sleepers.wallMs)! <= num(sleepGoal.wallMs)! : null,
  });
  if (num(sleepers.cpuMs) !== undefined) {
    rows.push({ measure: `loop ${fmt(num(sleepers.tasks))} sleepers, CPU time`, value: fmt(num(sleepers.cpuMs), 0, " ms"), goal: "", met: null });
  }
  rows.push({
    measure: `loop ${fmt(num(sleepers.tasks))} sleepers, peak heap`,
    value: fmt(num(sleepers.peakHeapMB), 1, " MB"),
    goal: `≤ ${fmt(num(sleepGoal.peakHeapMB), 1)} MB`,
    met: num(sleepers.peakHeapMB) !== undefined && num(sleepGoal.peakHeapMB) !== undefined ? num(sleepers.peakHeapMB)! <= num(sleepGoal.peakHeapMB)! : null,
  });
  return rows;
}

function consumerRows(json: Json): Row[] {
  const fib = obj(json.fibonacci_1e6_ms);
  const ping = obj(json.ping_per_s);
  return [
    { measure: "consumer F(1000000) end to end (median)", value: fmt(num(fib.median), 1, " ms"), goal: `≤ ${fmt(num(fib.goal))} ms`, met: metOf(fib.met) },
    { measure: "consumer system ping", value: fmt(num(ping.consumer), 0, " /s"), goal: "", met: null },
    { measure: "bare net server, same load", value: fmt(num(ping.bare), 0, " /s"), goal: "", met: null },
    { measure: "consumer / bare net server", value: fmt(num(ping.ratio), 2), goal: `≥ ${fmt(num(ping.goal), 2)}`, met: metOf(ping.met) },
  ];
}

function rpcRows(json: Json): Row[] {
  const summary = Array.isArray(json.summary) ? json.summary.map(obj) : [];
  return summary.map((row) => ({ measure: String(row.measure), value: String(row.value), goal: String(row.goal ?? ""), met: metOf(row.met) }));
}

/** For a benchmark whose JSON this runner does not know: its numbers, one per row. */
function flatRows(json: Json, prefix = ""): Row[] {
  const rows: Row[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === "number") rows.push({ measure: `${prefix}${key}`, value: String(value), goal: "", met: null });
    else if (typeof value === "object" && value !== null && !Array.isArray(value) && rows.length < 40) rows.push(...flatRows(value as Json, `${prefix}${key}.`));
  }
  return rows;
}

const BENCHES: readonly Bench[] = [
  { name: "loop", quickArgs: ["--messages", "200000", "--rounds", "3", "--tasks", "20000"], rows: loopRows },
  { name: "consumer", quickArgs: ["--seconds", "1", "--rounds", "3", "--runs", "3"], rows: consumerRows },
  { name: "rpc", quickArgs: ["--quick"], rows: rpcRows },
  // Its JSON has the same flat `summary` lines as rpc.ts's.
  { name: "gateway", quickArgs: ["--quick"], rows: rpcRows },
  // Its own private RabbitMQ (scripts/broker.sh); where none can be had, one "skipped" line says why.
  { name: "broker", quickArgs: ["--quick"], rows: rpcRows },
];

// ---------------------------------------------------------------------------------------------
// Running them

let current: ChildProcess | undefined;
let interrupted = false;

function runBench(bench: Bench): Promise<{ ok: true; json: Json } | { ok: false; error: string }> {
  const args = ["--import", "tsx", join(here, `${bench.name}.ts`), "--json", ...(opts.quick ? bench.quickArgs : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    current = child;
    let out = "";
    let errTail = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk); // its progress, as it runs
      errTail = (errTail + chunk.toString()).slice(-2000);
    });
    // Every benchmark bounds its own time; this only catches one that hangs.
    const limit = setTimeout(() => child.kill("SIGTERM"), 45 * 60_000);
    child.once("error", (error) => resolve({ ok: false, error: error.message }));
    child.once("exit", (code, signal) => {
      clearTimeout(limit);
      current = undefined;
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return resolve({ ok: false, error: `exit ${code ?? signal}: ${errTail.trim().split("\n").slice(-5).join(" | ")}` });
      try {
        resolve({ ok: true, json: JSON.parse(line) as Json });
      } catch {
        resolve({ ok: false, error: `no JSON on its last line of output: ${line.slice(0, 200)}` });
      }
    });
  });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    interrupted = true;
    // The benchmark stops what it started on SIGINT/SIGTERM; then this runner exits.
    if (current) current.kill(signal);
    else process.exit(130);
  });
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd()).join("\n");
}

const wanted = opts.only ? new Set(opts.only.split(",")) : undefined;
const selected = BENCHES.filter((bench) => wanted === undefined || wanted.has(bench.name));
const results: Record<string, unknown> = {};
const lines: string[][] = [["bench", "measure", "value", "goal", "verdict"]];
let failed = false;
const loadStart = os.loadavg();

for (const bench of selected) {
  if (interrupted) break;
  if (!existsSync(join(here, `${bench.name}.ts`))) {
    results[bench.name] = { missing: true };
    lines.push([bench.name, "(not written yet)", "", "", ""]);
    continue;
  }
  process.stderr.write(`\n== ${bench.name} benchmark${opts.quick ? " (quick)" : ""}\n`);
  const started = performance.now();
  const outcome = await runBench(bench);
  const took = ((performance.now() - started) / 1000).toFixed(0);
  if (!outcome.ok) {
    failed = true;
    results[bench.name] = { failed: outcome.error };
    lines.push([bench.name, `FAILED after ${took} s: ${outcome.error.slice(0, 160)}`, "", "", ""]);
    continue;
  }
  results[bench.name] = outcome.json;
  let rows: Row[];
  try {
    rows = bench.rows(outcome.json);
  } catch {
    rows = [];
  }
  if (rows.length === 0) rows = flatRows(outcome.json);
  for (const row of rows) lines.push([bench.name, row.measure, row.value, row.goal, row.met === null ? "" : row.met ? "met" : "MISSED"]);
}

const cpus = os.cpus();
const machine = {
  cpus: cpus.length,
  cpuModel: cpus[0]?.model.trim() ?? "unknown",
  node: process.version,
  loadAvgStart: loadStart,
  loadAvgEnd: os.loadavg(),
};
if (opts.json) {
  process.stdout.write(`${JSON.stringify({ machine, quick: opts.quick, results })}\n`);
} else {
  process.stdout.write(
    `\nBenchmarks${opts.quick ? " (quick settings: smoke test, not figures)" : ""}: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ` +
      `load average ${loadStart[0]!.toFixed(2)} at start, ${machine.loadAvgEnd[0]!.toFixed(2)} at end\n\n${table(lines)}\n`,
  );
}
if (failed || interrupted) process.exitCode = 1;
