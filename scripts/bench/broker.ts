// Broker benchmark (issue 14): producers sharing one RabbitMQ queue.
// `node --import tsx scripts/bench/broker.ts [--json] [--quick] [--rounds N] [--seconds S]
// [--warmup S] [--rows 1x2,2x2,2x4,4x4] [--parts scale,overhead] [--prefetch N|Nx] [--inflight N]
// [--amqp URL]`
//
//   scale     PxC: P producers, each in front of C consumers of its own (P·C in all), all taking
//             `system sleep 20` tasks from one durable queue (`--amqp`); a closed-loop client
//             (drivers/amqp-driver.ts: plain amqplib, RabbitMQ's RPC pattern) keeps
//             2·P·C + P·prefetch requests in flight, so the queue is never empty. Measured:
//             answers per second after a warm-up, over the ideal P·C × 50/s (a consumer serves
//             one request at a time, each holds it 20 ms). Goal ≥ 0.9 in every row. For
//             context, in the same rounds: the same consumers driven straight
//             (drivers/native-driver.ts, 2 in flight each): what they manage on this machine,
//             now, without a producer or a broker in front.
//   overhead  the same 2 consumers, `fibonacci_generator calculate 1000`, the same closed-loop
//             concurrency (16 in flight), fed (a) through RabbitMQ: amqp-driver → broker → a
//             producer with `--amqp` → consumers, and (b) through the local queue: native-driver
//             → the producer's `--listen` → consumers. A fresh producer each run, turns
//             alternating; ratio (a)/(b), median of per-round ratios. Goal ≥ 0.8.
//
// It starts ONE private broker (scripts/broker.sh; `--amqp URL` uses that broker instead) and
// stops it at the end, also on an error or Ctrl-C; when no broker can be had it says why and
// skips. Consumers and producers run through run_rpc_consumer.sh / run_rpc_producer.sh as users
// run them; producers with `--stats-every 0 --quiet` (their output drained into a bounded tail).
// Also recorded: the producers' and the broker's CPU time per task (/proc), which a busy machine
// disturbs far less than tasks/s. Only 127.0.0.1; every wait is bounded.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { BrokerUnavailableError, startPrivateBroker, type PrivateBroker } from "../lib/broker.js";
import { freePort, repoRoot as root, startConsumers, startProcess, terminateAll, type RunningConsumer, type RunningProcess } from "../lib/processes.js";
import { cpuMs, median, runDriver, stopEverythingOnSignals, table, type DriverResult } from "./measure.js";

const drivers = join(import.meta.dirname, "drivers");

export const SLEEP_MS = 20;
/** What one consumer can do at most: one request at a time, each held SLEEP_MS. */
export const IDEAL_PER_CONSUMER = 1000 / SLEEP_MS;
export const GOAL_SCALE = 0.9;
export const GOAL_OVERHEAD = 0.8;
const SLEEP = `system sleep ${SLEEP_MS}`;
const FIB = "fibonacci_generator calculate 1000";
const OVERHEAD_CONSUMERS = 2;
/** Calls in flight straight to each consumer for the "direct" figure: one served, one waiting. */
const DIRECT_PER_CONSUMER = 2;

// ---------------------------------------------------------------------------------------------
// The pure pieces (test/bench/broker-plan.test.ts)

/** One scale-out row: `producers` producers, each in front of `perProducer` consumers. */
export interface Layout {
  readonly producers: number;
  readonly perProducer: number;
}

/** "1x2,2x2" (or with ×) → layouts; throws on anything else. */
export function parseRows(spec: string): Layout[] {
  return spec.split(",").map((item) => {
    const match = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/.exec(item);
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw new Error(`--rows: "${item}" is not PxC (producers x consumers per producer), e.g. 2x4`);
    return { producers: Number(match[1]), perProducer: Number(match[2]) };
  });
}

export const consumersOf = (layout: Layout): number => layout.producers * layout.perProducer;

/** `--prefetch`: N for every producer, or `Nx` for N per consumer of each producer; undefined: the producers' default. */
export type Prefetch = { readonly each: number } | { readonly perConsumer: number } | undefined;

export function parsePrefetch(text: string | undefined): Prefetch {
  if (text === undefined) return undefined;
  const match = /^(\d+)(x?)$/.exec(text.trim());
  if (!match || Number(match[1]) < 1) throw new Error(`--prefetch: "${text}" is not N (each producer) or Nx (N per consumer), e.g. 8 or 4x`);
  return match[2] === "x" ? { perConsumer: Number(match[1]) } : { each: Number(match[1]) };
}

/** The prefetch each producer of `layout` runs with; without `--prefetch`, the producer's default (twice its targets, PROTOCOL §7). */
export const prefetchOf = (layout: Layout, prefetch: Prefetch): number =>
  prefetch === undefined ? 2 * layout.perProducer : "each" in prefetch ? prefetch.each : prefetch.perConsumer * layout.perProducer;

/** The `--prefetch` argument of each producer of `layout` (none for the default). */
const prefetchArgs = (layout: Layout, prefetch: Prefetch): string[] => (prefetch === undefined ? [] : ["--prefetch", String(prefetchOf(layout, prefetch))]);

/**
 * Requests the client keeps in flight so that the queue never runs dry: every consumer busy with
 * one and one more waiting, plus every producer's prefetch window full.
 */
export const inflightFor = (layout: Layout, prefetch: Prefetch): number => 2 * consumersOf(layout) + layout.producers * prefetchOf(layout, prefetch);

/** Which consumers (indices into one list) producer `index` of `layout` is in front of. */
export const consumersOfProducer = (layout: Layout, index: number): number[] => Array.from({ length: layout.perProducer }, (_, i) => index * layout.perProducer + i);

/** Round `round`'s order of `variants`: A B, B A, A B … (the machine's drift weighs on both alike). */
export const turns = <T>(variants: readonly T[], round: number): T[] => variants.map((_, i) => variants[(round + i) % variants.length]!);

// ---------------------------------------------------------------------------------------------
// Options

function options() {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      rounds: { type: "string" },
      seconds: { type: "string" },
      warmup: { type: "string" },
      rows: { type: "string", default: "1x2,2x2,2x4,4x4" },
      parts: { type: "string", default: "scale,overhead" },
      prefetch: { type: "string" },
      inflight: { type: "string", default: "16" },
      amqp: { type: "string" },
    },
  });
  const quick = values.quick;
  return {
    json: values.json,
    quick,
    rounds: Number(values.rounds ?? (quick ? 1 : 3)),
    seconds: Number(values.seconds ?? (quick ? 1.5 : 4)),
    warmup: Number(values.warmup ?? (quick ? 0.5 : 1)),
    rows: parseRows(values.rows),
    parts: new Set(values.parts.split(",")),
    prefetch: parsePrefetch(values.prefetch),
    overheadInflight: Number(values.inflight),
    amqp: values.amqp,
  };
}

type Options = ReturnType<typeof options>;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// ---------------------------------------------------------------------------------------------
// Processes

/** The broker's processes (its process group, when it is a private one), for its CPU time. */
function brokerPids(dir: string | undefined): number[] {
  if (dir === undefined) return [];
  try {
    const leader = Number(/^RPC_BROKER_PID=(\d+)$/m.exec(readFileSync(join(dir, "broker.env"), "utf8"))?.[1]);
    return readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => {
        try {
          // The process group is field 5 of stat; after "pid (comm) " it is the third.
          return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[2]) === leader;
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

/** CPU time of these processes together, ms (those gone count 0). */
const cpuOf = (pids: readonly number[]): number => pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);

const PRODUCER_LOGGING = ["--stats-every", "0", "--quiet"];

/** A producer through run_rpc_producer.sh, ready: consuming `queue`, or listening on `listen`. */
async function startProducer(door: { amqp: string; queue: string; prefetchArgs: readonly string[] } | { listen: number }, ports: readonly number[]): Promise<RunningProcess> {
  const doorArgs = "listen" in door ? ["--listen", `127.0.0.1:${door.listen}`] : ["--amqp", door.amqp, "--amqp-queue", door.queue, ...door.prefetchArgs];
  const producer = startProcess(join(root, "run_rpc_producer.sh"), [...doorArgs, ...PRODUCER_LOGGING, ...ports.map(String)], { output: "tail" });
  try {
    await producer.waitForLine("listen" in door ? `listening on 127.0.0.1:${door.listen}` : "consuming the task queue", 30_000);
  } catch (error) {
    await producer.stop("SIGKILL");
    throw error;
  }
  return producer;
}

const stopAllOf = (processes: readonly RunningProcess[]): Promise<unknown> => Promise.all(processes.map((p) => p.stop("SIGTERM", 10_000)));

/** A measured driver run, with the CPU the producers and the broker spent per answered task. */
interface Run extends DriverResult {
  readonly producerCpuUsPerTask: number | null;
  readonly brokerCpuUsPerTask: number | null;
}

async function measured(opts: Options, argv: readonly string[], producers: readonly RunningProcess[], broker: readonly number[]): Promise<Run> {
  const producerPids = producers.map((p) => p.child.pid!);
  const before = { producers: cpuOf(producerPids), broker: cpuOf(broker) };
  const result = await runDriver(argv[0]!.replace(/^.*\//, ""), [process.execPath, "--import", "tsx", ...argv, "--seconds", String(opts.seconds), "--warmup", String(opts.warmup)], (opts.warmup + opts.seconds + 60) * 1000);
  if (result.errors > 0) log(`  ${result.driver}: ${result.errors} failed calls, first: ${result.first_error}`);
  // The warm-up was served too: CPU over both phases, per task at the measured rate.
  const tasks = result.calls_per_s * (opts.warmup + opts.seconds);
  const per = (ms: number): number | null => (tasks > 0 && ms > 0 ? (ms * 1000) / tasks : null);
  return { ...result, producerCpuUsPerTask: producers.length === 0 ? null : per(cpuOf(producerPids) - before.producers), brokerCpuUsPerTask: broker.length === 0 ? null : per(cpuOf(broker) - before.broker) };
}

const amqpDriver = (url: string, queue: string, command: string, inflight: number): string[] => [join(drivers, "amqp-driver.ts"), "--amqp", url, "--queue", queue, "--command", command, "--inflight", String(inflight)];
const nativeDriver = (ports: readonly number[], command: string, inflight: number): string[] => [join(drivers, "native-driver.ts"), "--targets", ports.map((p) => `127.0.0.1:${p}`).join(","), "--command", command, "--inflight", String(inflight)];

// ---------------------------------------------------------------------------------------------
// 1. Scale-out

interface ScaleRow {
  readonly layout: Layout;
  readonly consumers: number;
  readonly prefetch: number;
  readonly inflight: number;
  readonly ideal: number;
  readonly loadAvg: number;
  /** Medians over rounds. */
  readonly tasksPerS: number;
  readonly directPerS: number;
  readonly p50Ms: number;
  /** Median over rounds of tasks/s ÷ ideal. */
  readonly overIdeal: number;
  readonly directOverIdeal: number;
  readonly producerCpuUsPerTask: number;
  readonly brokerCpuUsPerTask: number;
  /** The client's (amqp-driver's) own CPU per answered task. */
  readonly clientCpuUsPerTask: number;
  readonly errors: number;
}

async function scaleRow(opts: Options, url: string, brokerPidList: readonly number[], consumers: readonly RunningConsumer[], layout: Layout): Promise<ScaleRow> {
  const total = consumersOf(layout);
  const inflight = inflightFor(layout, opts.prefetch);
  const queue = `bench.scale.${layout.producers}x${layout.perProducer}.${Date.now()}`;
  const loadAvg = os.loadavg()[0]!;
  log(`scale ${layout.producers}x${layout.perProducer}: ${layout.producers} producer(s) × ${layout.perProducer} consumers (${total} in all), prefetch ${prefetchOf(layout, opts.prefetch)} each, ${inflight} requests in flight; ideal ${total * IDEAL_PER_CONSUMER}/s; load average ${loadAvg.toFixed(2)}`);
  const producers = await Promise.all(
    Array.from({ length: layout.producers }, (_, i) =>
      startProducer(
        { amqp: url, queue, prefetchArgs: prefetchArgs(layout, opts.prefetch) },
        consumersOfProducer(layout, i).map((c) => consumers[c]!.port),
      ),
    ),
  );
  const ports = consumers.slice(0, total).map((c) => c.port);
  const broker: Run[] = [];
  const direct: Run[] = [];
  try {
    for (let round = 0; round < opts.rounds; round++) {
      for (const kind of turns(["broker", "direct"] as const, round)) {
        if (kind === "broker") {
          const run = await measured(opts, amqpDriver(url, queue, SLEEP, inflight), producers, brokerPidList);
          log(`  round ${round + 1} through the broker: ${run.calls_per_s}/s (${(run.calls_per_s / (total * IDEAL_PER_CONSUMER)).toFixed(2)} of ideal), p50 ${run.p50_ms} ms`);
          broker.push(run);
        } else {
          const run = await measured(opts, nativeDriver(ports, SLEEP, DIRECT_PER_CONSUMER), [], []);
          log(`  round ${round + 1} straight to the consumers: ${run.calls_per_s}/s`);
          direct.push(run);
        }
      }
    }
  } finally {
    await stopAllOf(producers);
  }
  const ideal = total * IDEAL_PER_CONSUMER;
  return {
    layout,
    consumers: total,
    prefetch: prefetchOf(layout, opts.prefetch),
    inflight,
    ideal,
    loadAvg,
    tasksPerS: median(broker.map((r) => r.calls_per_s)),
    directPerS: median(direct.map((r) => r.calls_per_s)),
    p50Ms: median(broker.map((r) => r.p50_ms ?? Number.NaN)),
    overIdeal: median(broker.map((r) => r.calls_per_s / ideal)),
    directOverIdeal: median(direct.map((r) => r.calls_per_s / ideal)),
    producerCpuUsPerTask: median(broker.map((r) => r.producerCpuUsPerTask ?? Number.NaN)),
    brokerCpuUsPerTask: median(broker.map((r) => r.brokerCpuUsPerTask ?? Number.NaN)),
    clientCpuUsPerTask: median(broker.map((r) => r.cpu_us_per_call ?? Number.NaN)),
    errors: broker.reduce((sum, r) => sum + r.errors, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Broker overhead

interface OverheadSide {
  readonly callsPerS: number;
  readonly p50Ms: number;
  readonly producerCpuUsPerTask: number;
  readonly errors: number;
}

interface OverheadResult {
  readonly consumers: number;
  readonly inflight: number;
  readonly command: string;
  readonly loadAvg: number;
  readonly amqp: OverheadSide & { readonly brokerCpuUsPerTask: number };
  readonly local: OverheadSide;
  /** Median over rounds of amqp ÷ local. */
  readonly ratio: number;
}

async function overhead(opts: Options, url: string, brokerPidList: readonly number[], consumers: readonly RunningConsumer[]): Promise<OverheadResult> {
  const ports = consumers.slice(0, OVERHEAD_CONSUMERS).map((c) => c.port);
  const inflight = opts.overheadInflight;
  const loadAvg = os.loadavg()[0]!;
  log(`overhead: ${OVERHEAD_CONSUMERS} consumers, \`${FIB}\`, ${inflight} in flight, through RabbitMQ vs through the producer's --listen; ${opts.rounds} round(s), a fresh producer each run; load average ${loadAvg.toFixed(2)}`);
  const runs = { amqp: [] as Run[], local: [] as Run[] };
  for (let round = 0; round < opts.rounds; round++) {
    for (const kind of turns(["amqp", "local"] as const, round)) {
      let producer: RunningProcess;
      let argv: string[];
      if (kind === "amqp") {
        const queue = `bench.overhead.${round}.${Date.now()}`;
        producer = await startProducer({ amqp: url, queue, prefetchArgs: prefetchArgs({ producers: 1, perProducer: ports.length }, opts.prefetch) }, ports);
        argv = amqpDriver(url, queue, FIB, inflight);
      } else {
        const listen = await freePort();
        producer = await startProducer({ listen }, ports);
        argv = nativeDriver([listen], FIB, inflight);
      }
      try {
        const run = await measured(opts, argv, [producer], kind === "amqp" ? brokerPidList : []);
        log(`  round ${round + 1} ${kind === "amqp" ? "through RabbitMQ" : "through --listen"}: ${run.calls_per_s}/s, p50 ${run.p50_ms} ms, producer CPU ${run.producerCpuUsPerTask?.toFixed(0)} µs/task`);
        runs[kind].push(run);
      } finally {
        await producer.stop("SIGTERM", 10_000);
      }
    }
  }
  const side = (list: readonly Run[]): OverheadSide => ({
    callsPerS: median(list.map((r) => r.calls_per_s)),
    p50Ms: median(list.map((r) => r.p50_ms ?? Number.NaN)),
    producerCpuUsPerTask: median(list.map((r) => r.producerCpuUsPerTask ?? Number.NaN)),
    errors: list.reduce((sum, r) => sum + r.errors, 0),
  });
  return {
    consumers: OVERHEAD_CONSUMERS,
    inflight,
    command: FIB,
    loadAvg,
    amqp: { ...side(runs.amqp), brokerCpuUsPerTask: median(runs.amqp.map((r) => r.brokerCpuUsPerTask ?? Number.NaN)) },
    local: side(runs.local),
    ratio: median(runs.amqp.map((r, i) => r.calls_per_s / runs.local[i]!.calls_per_s)),
  };
}

// ---------------------------------------------------------------------------------------------
// Printing

interface SummaryLine {
  readonly measure: string;
  readonly value: string;
  readonly goal: string;
  readonly met: boolean | null;
}

const fixed = (n: number | null | undefined, digits: number): string => (n === null || n === undefined || Number.isNaN(n) ? "n/a" : n.toFixed(digits));

/** The flat lines of the runner's combined table (scripts/bench/index.ts). */
export function summaryLines(scale: readonly ScaleRow[], over: OverheadResult | null): SummaryLine[] {
  const out: SummaryLine[] = [];
  for (const row of scale) {
    out.push({
      measure: `broker scale ${row.layout.producers}×${row.layout.perProducer}: sleep ${SLEEP_MS} tasks/s over ideal ${row.ideal}/s`,
      value: `${fixed(row.overIdeal, 2)} (${fixed(row.tasksPerS, 0)}/s; direct ${fixed(row.directOverIdeal, 2)})`,
      goal: `≥ ${GOAL_SCALE}`,
      met: row.overIdeal >= GOAL_SCALE,
    });
  }
  if (over) {
    out.push({
      measure: `broker overhead, fib 1000, ${over.consumers} consumers, ${over.inflight} in flight: RabbitMQ / local`,
      value: `${fixed(over.ratio, 2)} (${fixed(over.amqp.callsPerS, 0)} vs ${fixed(over.local.callsPerS, 0)}/s)`,
      goal: `≥ ${GOAL_OVERHEAD}`,
      met: over.ratio >= GOAL_OVERHEAD,
    });
  }
  return out;
}

interface Results {
  readonly machine: { cpus: number; cpuModel: string; node: string; loadAvgStart: number[]; loadAvgEnd: number[] };
  readonly config: { rounds: number; secondsPerRun: number; warmupPerRun: number; quick: boolean; prefetch: string; broker: string };
  readonly skipped: string | null;
  readonly scale: readonly ScaleRow[];
  readonly overhead: OverheadResult | null;
  readonly summary: readonly SummaryLine[];
}

function report(results: Results): string {
  const { machine, config } = results;
  const lines = [
    `Broker: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average ${machine.loadAvgStart.map((l) => l.toFixed(2)).join(" ")} at start, ${machine.loadAvgEnd.map((l) => l.toFixed(2)).join(" ")} at end; ${config.broker}`,
    `${config.rounds} round(s) × ${config.secondsPerRun} s per run (after a ${config.warmupPerRun} s warm-up); medians over rounds; prefetch ${config.prefetch === "default" ? "the producers' default (2 × its consumers)" : `--prefetch ${config.prefetch}`}`,
  ];
  if (results.skipped !== null) lines.push("", `skipped: ${results.skipped}`);
  if (results.scale.length > 0) {
    lines.push(
      "",
      `scale-out: \`${SLEEP}\`, P producers × C consumers each, one queue; ideal = consumers × ${IDEAL_PER_CONSUMER}/s; direct = the same consumers driven straight, ${DIRECT_PER_CONSUMER} in flight each; CPU = user + system per answered task`,
      table(
        [
          ["P×C", "consumers", "prefetch", "in flight", "load", "ideal/s", "tasks/s", "/ideal", `goal ≥${GOAL_SCALE}`, "direct/s", "direct/ideal", "p50 ms", "producers µs", "broker µs", "client µs", "failed"],
          ...results.scale.map((r) => [
            `${r.layout.producers}×${r.layout.perProducer}`,
            String(r.consumers),
            String(r.prefetch),
            String(r.inflight),
            fixed(r.loadAvg, 1),
            String(r.ideal),
            fixed(r.tasksPerS, 1),
            fixed(r.overIdeal, 2),
            r.overIdeal >= GOAL_SCALE ? "met" : "MISSED",
            fixed(r.directPerS, 1),
            fixed(r.directOverIdeal, 2),
            fixed(r.p50Ms, 1),
            fixed(r.producerCpuUsPerTask, 0),
            fixed(r.brokerCpuUsPerTask, 0),
            fixed(r.clientCpuUsPerTask, 0),
            String(r.errors),
          ]),
        ],
        1,
      ),
    );
  }
  const o = results.overhead;
  if (o) {
    lines.push(
      "",
      `overhead: \`${o.command}\`, ${o.consumers} consumers, ${o.inflight} in flight (closed loop), load average ${fixed(o.loadAvg, 1)}: ` +
        `through RabbitMQ ${fixed(o.amqp.callsPerS, 0)}/s (p50 ${fixed(o.amqp.p50Ms, 2)} ms; producer ${fixed(o.amqp.producerCpuUsPerTask, 0)} µs, broker ${fixed(o.amqp.brokerCpuUsPerTask, 0)} µs CPU/task; ${o.amqp.errors} failed), ` +
        `through --listen ${fixed(o.local.callsPerS, 0)}/s (p50 ${fixed(o.local.p50Ms, 2)} ms; producer ${fixed(o.local.producerCpuUsPerTask, 0)} µs CPU/task; ${o.local.errors} failed); ` +
        `RabbitMQ / local ${fixed(o.ratio, 2)} (goal ≥ ${GOAL_OVERHEAD}: ${o.ratio >= GOAL_OVERHEAD ? "met" : "MISSED"})`,
    );
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------

async function main(opts: Options, setBroker: (broker: PrivateBroker) => void): Promise<Results> {
  const loadAvgStart = os.loadavg();
  const cpus = os.cpus();
  const machine = (): Results["machine"] => ({ cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? "unknown", node: process.version, loadAvgStart, loadAvgEnd: os.loadavg() });
  const config = (broker: string): Results["config"] => ({ rounds: opts.rounds, secondsPerRun: opts.seconds, warmupPerRun: opts.warmup, quick: opts.quick, prefetch: opts.prefetch === undefined ? "default" : "each" in opts.prefetch ? String(opts.prefetch.each) : `${opts.prefetch.perConsumer}x`, broker });

  let url = opts.amqp;
  let brokerDir: string | undefined;
  if (url === undefined) {
    log("starting a private RabbitMQ (scripts/broker.sh start; ~10 s)");
    try {
      const broker = await startPrivateBroker(90_000, (line) => log(`  ${line}`));
      setBroker(broker);
      url = broker.url;
      brokerDir = broker.dir;
    } catch (error) {
      if (!(error instanceof BrokerUnavailableError)) throw error;
      log(`no RabbitMQ can be had here: ${error.message}; the broker benchmark is skipped`);
      const skipped = `no RabbitMQ: ${error.message}`;
      return { machine: machine(), config: config("none"), skipped, scale: [], overhead: null, summary: [{ measure: `broker skipped: ${skipped}`, value: "", goal: "", met: null }] };
    }
  }
  const brokerPidList = brokerPids(brokerDir);
  const wanted = Math.max(opts.parts.has("overhead") ? OVERHEAD_CONSUMERS : 0, ...(opts.parts.has("scale") ? opts.rows.map(consumersOf) : [0]));
  log(`starting ${wanted} consumers`);
  const consumers = await startConsumers(wanted);
  const scale: ScaleRow[] = [];
  let over: OverheadResult | null = null;
  try {
    if (opts.parts.has("scale")) for (const layout of opts.rows) scale.push(await scaleRow(opts, url, brokerPidList, consumers, layout));
    if (opts.parts.has("overhead")) over = await overhead(opts, url, brokerPidList, consumers);
  } finally {
    await stopAllOf(consumers);
  }
  const where = brokerDir === undefined ? `broker ${url.replace(/\/\/[^@]*@/, "//")} (given)` : "a private broker (scripts/broker.sh)";
  return { machine: machine(), config: config(where), skipped: null, scale, overhead: over, summary: summaryLines(scale, over) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const opts = options();
  let broker: PrivateBroker | undefined;
  stopEverythingOnSignals(log, () => broker?.stop() ?? Promise.resolve());
  try {
    const results = await main(opts, (b) => (broker = b));
    // With --json (npm run bench), the full table still goes to stderr, where the runner shows it.
    if (opts.json) log(`\n${report(results)}\n`);
    process.stdout.write(opts.json ? `${JSON.stringify(results)}\n` : `${report(results)}\n`);
  } catch (error) {
    log(`broker benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  } finally {
    await terminateAll();
    if (broker) {
      log("stopping the private RabbitMQ");
      await broker.stop();
    }
  }
}
