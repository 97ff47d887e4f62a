// Gateway benchmark (issue 13): the producer as a front door for real clients.
// `node --import tsx scripts/bench/gateway.ts [--json] [--quick] [--rounds N] [--seconds S]
// [--warmup S] [--latency-warmup S] [--clients N] [--parts concurrency,throughput,latency,http]`
//
//   concurrency  N (10,000) line-protocol clients connected to `--listen` at once (all opened,
//                then all send `system ping`), 4 consumers, `--queue-limit N`: answers equal to
//                `pong\n` (goal: all N), the producer's peak RSS (VmHWM; goal ≤ 150 MB).
//   throughput   8 consumers, `system ping` and `fibonacci_generator calculate 1000`, 64 clients in
//                flight (closed loop: drivers/native-driver.ts, each slot sends, waits for the
//                answer, sends the next; a fresh connection per request, as the protocol has it)
//                against three gateways of the same design, a fresh process each run, turns
//                rotating: ours (run_rpc_producer.sh --listen), native (drivers/native-gateway.ts,
//                async/await on node:net), python (drivers/asyncio_gateway.py, for the record).
//                Goal: ours / native ≥ 0.95 in every row (median of per-round ratios).
//   latency      one client, sequential `system ping`: p50 through ours − p50 straight to a
//                consumer, paired per round, median (goal ≤ 0.2 ms); native's for comparison.
//   http         the same consumers and load through `--http` (POST /rpc, keep-alive agents,
//                drivers/http-driver.ts), for the record.
//
// The producer runs with `--stats-every 0 --quiet` (no line per task; its output drained to a
// bounded tail), through run_rpc_producer.sh as users run it, inside `bash -c 'ulimit -n <hard>;
// exec …'` so its descriptor limit is as high as the machine allows; the script execs node, so the
// PID sampled is the program's. Only 127.0.0.1; every process it starts is stopped on the way out,
// also on an error or Ctrl-C; every wait is bounded.
import { freePort, repoRoot as root, startConsumers, startProcess, terminateAll, type RunningProcess } from "../lib/processes.js";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpuMs, median, runDriver, stopEverythingOnSignals, table, vmHwmKb, type DriverResult } from "./measure.js";

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
    "latency-warmup": { type: "string" },
    clients: { type: "string" },
    parts: { type: "string", default: "concurrency,throughput,latency,http" },
  },
});
const quick = opts.quick;
const rounds = Number(opts.rounds ?? (quick ? 1 : 5));
const seconds = Number(opts.seconds ?? (quick ? 0.5 : 2));
const warmup = Number(opts.warmup ?? (quick ? 0.2 : 0.5));
// One request at a time warms a fresh gateway slowly: through ours, p50 fell from ~1.2 ms to
// ~0.5 ms over its first ~4,000 requests (docs/BENCHMARKS.md §4), so the latency part warms longer.
const latencyWarmup = Number(opts["latency-warmup"] ?? (quick ? 0.2 : 8));
const manyClients = Number(opts.clients ?? (quick ? 1_000 : 10_000));
const parts = new Set(opts.parts.split(","));

const CONCURRENCY_CONSUMERS = 4;
const THROUGHPUT_CONSUMERS = 8;
const INFLIGHT = 64;
const MIXES = [
  { name: "ping", command: "system ping" },
  { name: "fib 1000", command: "fibonacci_generator calculate 1000" },
] as const;
const GOAL_NATIVE = 0.95;
const GOAL_RSS_MB = 150;
const GOAL_ADDED_MS = 0.2;
/** Room each process needs beyond its clients' sockets (consumers, stdio, node's own). */
const FD_SPARE = 200;

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// ---------------------------------------------------------------------------------------------
// Processes (all through scripts/lib/processes.ts, which tracks them)

const stopAllOf = (processes: readonly RunningProcess[]): Promise<unknown> => Promise.all(processes.map((p) => p.stop("SIGTERM", 5_000)));

type GatewayName = "ours" | "native" | "python";

interface Gateway {
  readonly process: RunningProcess;
  readonly port: number;
}

const PRODUCER_LOGGING = ["--stats-every", "0", "--quiet"];

/** Starts a gateway in front of `ports` and resolves once it accepts; `http` for our --http door. */
async function startGateway(name: GatewayName | "http", ports: readonly number[], extra: readonly string[] = []): Promise<Gateway> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const targets = ports.map((p) => `127.0.0.1:${p}`);
  let child: RunningProcess;
  if (name === "ours" || name === "http") {
    const door = name === "ours" ? "--listen" : "--http";
    // Raise the soft descriptor limit to the hard one first: 10,000 clients need 10,000 sockets.
    child = startProcess("bash", ["-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', join(root, "run_rpc_producer.sh"), door, address, ...PRODUCER_LOGGING, ...extra, ...targets], { output: "tail" });
  } else if (name === "native") {
    // The producer's memory flags (run_rpc_producer.sh), so peak RSS compares like with like.
    child = startProcess(process.execPath, ["--max-semi-space-size=2", "--heap-growing-percent=20", "--import", "tsx", join(drivers, "native-gateway.ts"), "--listen", address, "--targets", targets.join(","), ...extra], { output: "tail" });
  } else {
    child = startProcess("python3", [join(drivers, "asyncio_gateway.py"), "--listen", address, "--targets", targets.join(","), ...extra], { output: "tail" });
  }
  try {
    await child.waitForLine(`listening on ${address}`, 20_000);
  } catch (error) {
    await child.stop("SIGKILL");
    throw error;
  }
  return { process: child, port };
}

// ---------------------------------------------------------------------------------------------
// Helpers



/** The soft limit on open files of a process ("self" for this one). */
function openFilesLimit(pid: number | "self"): number | undefined {
  try {
    const match = /^Max open files\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
    return match?.[1] === "unlimited" ? Number.POSITIVE_INFINITY : match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The producer's summary line (text mode): produced, succeeded, failed, lost. */
function producerSummary(lines: readonly string[]): { produced: number; succeeded: number; failed: number; lost: number } | null {
  for (const line of [...lines].reverse()) {
    const match = /produced (\d+), succeeded (\d+), failed (\d+), lost (\d+)/.exec(line);
    if (match) return { produced: Number(match[1]), succeeded: Number(match[2]), failed: Number(match[3]), lost: Number(match[4]) };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// A load generator run (drivers/*-driver.ts: one JSON line, see drivers/common.ts)

async function runDriverOn(driver: "native-driver" | "http-driver", port: number, command: string, inflight: number, warm = warmup): Promise<DriverResult> {
  const args = [process.execPath, "--import", "tsx", join(drivers, `${driver}.ts`), "--targets", `127.0.0.1:${port}`, "--command", command, "--inflight", String(inflight), "--seconds", String(seconds), "--warmup", String(warm)];
  const result = await runDriver(driver, args, (warm + seconds + 30) * 1000);
  if (result.errors > 0) log(`  ${driver} → :${port}: ${result.errors} failed calls, first: ${result.first_error}`);
  return result;
}

/** One measured run of the closed-loop load against a fresh gateway; the gateway's CPU per call too. */
async function throughGateway(
  name: GatewayName | "http",
  ports: readonly number[],
  command: string,
  inflight: number,
  warm = warmup,
): Promise<DriverResult & { gatewayCpuUsPerCall: number | null }> {
  const gateway = await startGateway(name, ports);
  try {
    const pid = gateway.process.child.pid!;
    const cpuBefore = cpuMs(pid);
    const result = await runDriverOn(name === "http" ? "http-driver" : "native-driver", gateway.port, command, inflight, warm);
    const cpuAfter = cpuMs(pid);
    // The gateway served the warm-up too: its CPU over both phases, per call at the measured rate.
    const callsBoth = result.calls_per_s * (warm + seconds);
    const gatewayCpuUsPerCall = cpuBefore !== undefined && cpuAfter !== undefined && callsBoth > 0 ? ((cpuAfter - cpuBefore) * 1000) / callsBoth : null;
    return { ...result, gatewayCpuUsPerCall };
  } finally {
    await gateway.process.stop("SIGTERM", 5_000);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Concurrency

interface ConcurrencyResult {
  readonly gateway: "ours" | "native";
  readonly clients: number;
  readonly consumers: number;
  readonly connected: number;
  readonly connectFailures: number;
  readonly openMs: number;
  readonly answeredPong: number;
  readonly otherAnswers: Record<string, number>;
  readonly noAnswer: number;
  readonly answerMs: number;
  readonly peakRssMb: number;
  readonly producerFdLimit: number | null;
  readonly producer: ReturnType<typeof producerSummary>;
}

interface Client {
  readonly socket: net.Socket;
  readonly chunks: Buffer[];
  done: boolean;
}

function connectClient(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port, noDelay: true });
    const client: Client = { socket, chunks: [], done: false };
    // Listening from the start: an answer that comes before the request (a timeout) counts too.
    socket.on("data", (chunk: Buffer) => client.chunks.push(chunk));
    socket.once("connect", () => resolve(client));
    socket.on("error", (error) => {
      client.done = true;
      reject(error);
    });
    socket.once("close", () => (client.done = true));
  });
}

/** `name`: ours (the goal) or native (for comparison: what the same clients cost a minimal gateway). */
async function concurrency(name: "ours" | "native"): Promise<ConcurrencyResult> {
  const own = openFilesLimit("self");
  if (own !== undefined && own < manyClients + FD_SPARE) {
    throw new Error(`this process may open ${own} files (ulimit -n), ${manyClients} clients need ${manyClients + FD_SPARE}: raise it (ulimit -n) or pass --clients`);
  }
  log(`concurrency (${name}): starting ${CONCURRENCY_CONSUMERS} consumers`);
  const consumers = await startConsumers(CONCURRENCY_CONSUMERS);
  try {
    // --read-timeout 120: the first clients wait idle, on purpose, while the others are opened.
    const gateway = await startGateway(
      name,
      consumers.map((c) => c.port),
      ["--queue-limit", String(manyClients), "--read-timeout", "120"],
    );
    const pid = gateway.process.child.pid!;
    const producerFdLimit = openFilesLimit(pid) ?? null;
    if (producerFdLimit !== null && producerFdLimit < manyClients + FD_SPARE) log(`concurrency: the producer may open only ${producerFdLimit} files (hard limit): some clients will be refused`);
    let peakKb = 0;
    const poll = setInterval(() => (peakKb = Math.max(peakKb, vmHwmKb(pid) ?? 0)), 20);
    try {
      log(`concurrency (${name}): opening ${manyClients.toLocaleString("en")} clients to the gateway (fd limit: ${own}, producer's ${producerFdLimit})`);
      const clients: Client[] = [];
      let connectFailures = 0;
      let next = 0;
      const openStarted = performance.now();
      // 256 connects pending at a time: the listen backlog (511) never overflows, no SYN retries.
      const opener = async (): Promise<void> => {
        while (next < manyClients) {
          next++;
          try {
            clients.push(await connectClient(gateway.port));
          } catch {
            connectFailures++;
          }
        }
      };
      await Promise.race([
        Promise.all(Array.from({ length: 256 }, opener)),
        new Promise((resolve) => setTimeout(resolve, 60_000).unref()),
      ]);
      const openMs = performance.now() - openStarted;
      log(`concurrency: ${clients.length} connected in ${(openMs / 1000).toFixed(1)} s (${connectFailures} failed); all send \`system ping\``);
      const sendStarted = performance.now();
      for (const client of clients) client.socket.end("system ping\n");
      const deadline = Date.now() + 120_000;
      while (clients.some((c) => !c.done) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const answerMs = performance.now() - sendStarted;
      let answeredPong = 0;
      let noAnswer = 0;
      const otherAnswers: Record<string, number> = {};
      for (const client of clients) {
        const text = Buffer.concat(client.chunks).toString("utf8");
        if (text === "pong\n") answeredPong++;
        else if (text.length === 0) noAnswer++;
        else otherAnswers[text.slice(0, 80)] = (otherAnswers[text.slice(0, 80)] ?? 0) + 1;
        client.socket.destroy();
      }
      log(`concurrency: ${answeredPong} answered pong in ${(answerMs / 1000).toFixed(1)} s, ${noAnswer} no answer, other: ${JSON.stringify(otherAnswers)}`);
      peakKb = Math.max(peakKb, vmHwmKb(pid) ?? 0);
      await gateway.process.stop("SIGTERM", 10_000);
      return {
        gateway: name,
        clients: manyClients,
        consumers: CONCURRENCY_CONSUMERS,
        connected: clients.length,
        connectFailures,
        openMs: Math.round(openMs),
        answeredPong,
        otherAnswers,
        noAnswer: noAnswer + (manyClients - clients.length - connectFailures),
        answerMs: Math.round(answerMs),
        peakRssMb: Math.round(peakKb / 102.4) / 10,
        producerFdLimit,
        producer: producerSummary(gateway.process.stdoutLines),
      };
    } finally {
      clearInterval(poll);
      await gateway.process.stop("SIGKILL");
    }
  } finally {
    await stopAllOf(consumers);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Throughput, 3. latency, 4. HTTP

interface Side {
  readonly callsPerS: number;
  readonly p50Ms: number;
  readonly gatewayCpuUsPerCall: number;
  readonly errors: number;
}

interface ThroughputRow {
  readonly mix: string;
  readonly command: string;
  readonly ours: Side;
  readonly native: Side;
  readonly python: Side | null;
  /** Median over rounds of (ours / native) in that round. */
  readonly oursOverNative: number;
  readonly oursOverPython: number | null;
}

type Run = DriverResult & { gatewayCpuUsPerCall: number | null };

const side = (runs: readonly Run[]): Side => ({
  callsPerS: median(runs.map((r) => r.calls_per_s)),
  p50Ms: median(runs.map((r) => r.p50_ms ?? Number.NaN)),
  gatewayCpuUsPerCall: median(runs.map((r) => r.gatewayCpuUsPerCall ?? Number.NaN)),
  errors: runs.reduce((sum, r) => sum + r.errors, 0),
});

const perRound = (a: readonly Run[], b: readonly Run[], f: (x: Run, y: Run) => number): number => median(a.map((x, i) => f(x, b[i]!)));

async function throughput(ports: readonly number[], gateways: readonly GatewayName[]): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const mix of MIXES) {
    log(`throughput: ${mix.name}, ${INFLIGHT} clients in flight, ${THROUGHPUT_CONSUMERS} consumers, ${rounds} round(s) of ${gateways.join(", ")}`);
    const runs = new Map<GatewayName, Run[]>(gateways.map((g) => [g, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < gateways.length; i++) {
        const name = gateways[(round + i) % gateways.length]!;
        const run = await throughGateway(name, ports, mix.command, INFLIGHT);
        log(`  round ${round + 1} ${name}: ${Math.round(run.calls_per_s)}/s, p50 ${run.p50_ms} ms`);
        runs.get(name)!.push(run);
      }
    }
    const ours = runs.get("ours")!;
    const native = runs.get("native")!;
    const python = runs.get("python");
    rows.push({
      mix: mix.name,
      command: mix.command,
      ours: side(ours),
      native: side(native),
      python: python ? side(python) : null,
      oursOverNative: perRound(ours, native, (x, y) => x.calls_per_s / y.calls_per_s),
      oursOverPython: python ? perRound(ours, python, (x, y) => x.calls_per_s / y.calls_per_s) : null,
    });
  }
  return rows;
}

interface LatencyResult {
  readonly directP50Ms: number;
  readonly oursP50Ms: number;
  readonly nativeP50Ms: number;
  /** Median over rounds of (p50 through ours − p50 direct) in that round. */
  readonly oursAddedMs: number;
  readonly nativeAddedMs: number;
}

async function latency(ports: readonly number[]): Promise<LatencyResult> {
  log(`latency: one client, sequential \`system ping\`; through ours, through native, straight to a consumer; ${rounds} round(s), each after a ${latencyWarmup} s warm-up`);
  const kinds = ["ours", "native", "direct"] as const;
  const runs = new Map<(typeof kinds)[number], Run[]>(kinds.map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(round + i) % kinds.length]!;
      const run: Run = kind === "direct" ? { ...(await runDriverOn("native-driver", ports[0]!, "system ping", 1, latencyWarmup)), gatewayCpuUsPerCall: null } : await throughGateway(kind, ports, "system ping", 1, latencyWarmup);
      log(`  round ${round + 1} ${kind}: p50 ${run.p50_ms} ms`);
      runs.get(kind)!.push(run);
    }
  }
  const direct = runs.get("direct")!;
  const p50 = (r: Run): number => r.p50_ms ?? Number.NaN;
  return {
    directP50Ms: median(direct.map(p50)),
    oursP50Ms: median(runs.get("ours")!.map(p50)),
    nativeP50Ms: median(runs.get("native")!.map(p50)),
    oursAddedMs: perRound(runs.get("ours")!, direct, (x, y) => p50(x) - p50(y)),
    nativeAddedMs: perRound(runs.get("native")!, direct, (x, y) => p50(x) - p50(y)),
  };
}

interface HttpRow {
  readonly mix: string;
  readonly http: Side;
}

async function httpThroughput(ports: readonly number[]): Promise<HttpRow[]> {
  const rows: HttpRow[] = [];
  for (const mix of MIXES) {
    log(`http: ${mix.name}, POST /rpc, ${INFLIGHT} clients in flight on keep-alive agents, ${rounds} round(s)`);
    const runs: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      const run = await throughGateway("http", ports, mix.command, INFLIGHT);
      log(`  round ${round + 1}: ${Math.round(run.calls_per_s)}/s, p50 ${run.p50_ms} ms`);
      runs.push(run);
    }
    rows.push({ mix: mix.name, http: side(runs) });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Printing

interface SummaryLine {
  readonly measure: string;
  readonly value: string;
  readonly goal: string;
  readonly met: boolean | null;
}

interface Results {
  readonly machine: { cpus: number; cpuModel: string; node: string; python: string | null; loadAvgStart: number[]; loadAvgEnd: number[] };
  readonly config: { rounds: number; secondsPerRun: number; warmupPerRun: number; quick: boolean; inflight: number; producerLogging: string };
  readonly concurrency: ConcurrencyResult | null;
  /** The same clients against the native gateway, for comparison. */
  readonly concurrencyNative: ConcurrencyResult | null;
  readonly throughput: readonly ThroughputRow[];
  readonly latency: LatencyResult | null;
  readonly http: readonly HttpRow[];
  /** Flat lines for the runner's combined table (scripts/bench/index.ts). */
  readonly summary: readonly SummaryLine[];
}

const fixed = (n: number | null | undefined, digits: number): string => (n === null || n === undefined || Number.isNaN(n) ? "n/a" : n.toFixed(digits));
const rate = (n: number | null | undefined): string => (n === null || n === undefined || Number.isNaN(n) ? "n/a" : Math.round(n).toLocaleString("en"));

function summaryLines(r: Omit<Results, "summary" | "machine" | "config">): SummaryLine[] {
  const out: SummaryLine[] = [];
  const c = r.concurrency;
  if (c) {
    out.push({ measure: `gateway ${c.clients.toLocaleString("en")} clients at once, ${c.consumers} consumers: answered pong`, value: `${c.answeredPong.toLocaleString("en")} in ${fixed(c.answerMs / 1000, 1)} s`, goal: `${c.clients.toLocaleString("en")}`, met: c.answeredPong === c.clients });
    out.push({ measure: `gateway ${c.clients.toLocaleString("en")} clients at once: producer peak RSS`, value: `${fixed(c.peakRssMb, 1)} MB`, goal: `≤ ${GOAL_RSS_MB} MB`, met: c.peakRssMb <= GOAL_RSS_MB });
  }
  const n = r.concurrencyNative;
  if (n) out.push({ measure: `gateway ${n.clients.toLocaleString("en")} clients at once, native gateway: pong, peak RSS`, value: `${n.answeredPong.toLocaleString("en")}, ${fixed(n.peakRssMb, 1)} MB`, goal: "", met: null });
  for (const row of r.throughput) {
    out.push({ measure: `gateway ${row.mix}, ${INFLIGHT} in flight, ${THROUGHPUT_CONSUMERS} consumers: ours/native`, value: `${fixed(row.oursOverNative, 2)} (${rate(row.ours.callsPerS)} vs ${rate(row.native.callsPerS)}/s; CPU ${fixed(row.ours.gatewayCpuUsPerCall, 0)} vs ${fixed(row.native.gatewayCpuUsPerCall, 0)} µs/req)`, goal: `≥ ${GOAL_NATIVE}`, met: row.oursOverNative >= GOAL_NATIVE });
    if (row.oursOverPython !== null) out.push({ measure: `gateway ${row.mix}: ours/python (asyncio)`, value: `${fixed(row.oursOverPython, 2)} (python ${rate(row.python?.callsPerS)}/s)`, goal: "", met: null });
  }
  if (r.latency) out.push({ measure: "gateway added latency, p50 via ours − direct (1 client, ping)", value: `${fixed(r.latency.oursAddedMs, 3)} ms`, goal: `≤ ${GOAL_ADDED_MS} ms`, met: r.latency.oursAddedMs <= GOAL_ADDED_MS });
  for (const row of r.http) out.push({ measure: `gateway --http keep-alive, ${row.mix}, ${INFLIGHT} in flight`, value: `${rate(row.http.callsPerS)} /s`, goal: "", met: null });
  return out;
}


function report(results: Results): string {
  const { machine, config } = results;
  const lines = [
    `Gateway: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, Python ${machine.python ?? "missing"}; load average ` +
      `${machine.loadAvgStart.map((l) => l.toFixed(2)).join(" ")} at start, ${machine.loadAvgEnd.map((l) => l.toFixed(2)).join(" ")} at end`,
    `${config.rounds} rounds × ${config.secondsPerRun} s per gateway (after a ${config.warmupPerRun} s warm-up), a fresh gateway process each run, turns rotating; ` +
      `producer: ${config.producerLogging}`,
  ];
  for (const c of [results.concurrency, results.concurrencyNative]) {
    if (!c) continue;
    lines.push(
      "",
      `concurrency, ${c.gateway === "ours" ? "ours (producer --listen)" : "native gateway, for comparison"}: ${c.clients.toLocaleString("en")} line-protocol clients to --listen (queue limit ${c.clients}), ${c.consumers} consumers: ` +
        `${c.connected.toLocaleString("en")} connected in ${fixed(c.openMs / 1000, 1)} s (${c.connectFailures} failed), then each sent \`system ping\`: ` +
        `${c.answeredPong.toLocaleString("en")} answered pong in ${fixed(c.answerMs / 1000, 1)} s, ${c.noAnswer} no answer, other answers ${JSON.stringify(c.otherAnswers)}; ` +
        `gateway peak RSS ${fixed(c.peakRssMb, 1)} MB${c.gateway === "ours" ? ` (goal ≤ ${GOAL_RSS_MB})` : ""}, fd limit ${c.producerFdLimit ?? "?"}` +
        (c.gateway === "ours" ? `; its summary: ${c.producer ? `produced ${c.producer.produced}, succeeded ${c.producer.succeeded}, failed ${c.producer.failed}, lost ${c.producer.lost}` : "not found"}` : ""),
    );
  }
  if (results.throughput.length > 0) {
    lines.push(
      "",
      `throughput: ${THROUGHPUT_CONSUMERS} consumers, ${config.inflight} clients in flight (closed loop, a connection per request); requests/s and p50 are medians over rounds, ratios medians of per-round ratios; gateway CPU = the gateway process's user + system time per request`,
      table([
        ["mix", "ours/s", "native/s", "python/s", "ours/native", "goal ≥0.95", "ours/python", "p50 ms ours", "native", "python", "gw CPU µs ours", "native", "python"],
        ...results.throughput.map((row) => [
          row.mix,
          rate(row.ours.callsPerS),
          rate(row.native.callsPerS),
          rate(row.python?.callsPerS),
          fixed(row.oursOverNative, 2),
          row.oursOverNative >= GOAL_NATIVE ? "met" : "MISSED",
          fixed(row.oursOverPython, 2),
          fixed(row.ours.p50Ms, 2),
          fixed(row.native.p50Ms, 2),
          fixed(row.python?.p50Ms, 2),
          fixed(row.ours.gatewayCpuUsPerCall, 0),
          fixed(row.native.gatewayCpuUsPerCall, 0),
          fixed(row.python?.gatewayCpuUsPerCall, 0),
        ]),
      ]),
    );
    const errors = results.throughput.flatMap((row) => (["ours", "native", "python"] as const).filter((k) => (row[k]?.errors ?? 0) > 0).map((k) => `${row.mix}/${k}: ${row[k]!.errors}`));
    if (errors.length > 0) lines.push(`failed requests: ${errors.join("; ")}`);
  }
  const l = results.latency;
  if (l) {
    lines.push(
      "",
      `added latency (1 client, sequential system ping, after a ${latencyWarmup} s warm-up): p50 direct ${fixed(l.directP50Ms, 3)} ms, via ours ${fixed(l.oursP50Ms, 3)} ms, via native ${fixed(l.nativeP50Ms, 3)} ms; ` +
        `added (median of per-round differences): ours ${fixed(l.oursAddedMs, 3)} ms (goal ≤ ${GOAL_ADDED_MS}: ${l.oursAddedMs <= GOAL_ADDED_MS ? "met" : "MISSED"}), native ${fixed(l.nativeAddedMs, 3)} ms`,
    );
  }
  for (const row of results.http) {
    lines.push(`http (POST /rpc, keep-alive, ${config.inflight} in flight), ${row.mix}: ${rate(row.http.callsPerS)} requests/s, p50 ${fixed(row.http.p50Ms, 2)} ms, gateway CPU ${fixed(row.http.gatewayCpuUsPerCall, 0)} µs/request, ${row.http.errors} failed`);
  }
  return lines.join("\n");
}

function pythonVersion(): string | null {
  const result = spawnSync("python3", ["--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim().replace(/^Python /, "") : null;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadAvgStart = os.loadavg();
  const python = pythonVersion();
  if (python === null) log("python3 not found: the asyncio gateway is skipped");
  const gateways: GatewayName[] = python === null ? ["ours", "native"] : ["ours", "native", "python"];

  const concurrencyResult = parts.has("concurrency") ? await concurrency("ours") : null;
  const concurrencyNative = parts.has("concurrency") ? await concurrency("native") : null;
  let throughputRows: ThroughputRow[] = [];
  let latencyResult: LatencyResult | null = null;
  let httpRows: HttpRow[] = [];
  if (parts.has("throughput") || parts.has("latency") || parts.has("http")) {
    log(`starting ${THROUGHPUT_CONSUMERS} consumers`);
    const consumers = await startConsumers(THROUGHPUT_CONSUMERS);
    const ports = consumers.map((c) => c.port);
    try {
      if (parts.has("throughput")) throughputRows = await throughput(ports, gateways);
      if (parts.has("latency")) latencyResult = await latency(ports);
      if (parts.has("http")) httpRows = await httpThroughput(ports);
    } finally {
      await stopAllOf(consumers);
    }
  }
  const cpus = os.cpus();
  const measured = { concurrency: concurrencyResult, concurrencyNative, throughput: throughputRows, latency: latencyResult, http: httpRows };
  const results: Results = {
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? "unknown", node: process.version, python, loadAvgStart, loadAvgEnd: os.loadavg() },
    config: { rounds, secondsPerRun: seconds, warmupPerRun: warmup, quick, inflight: INFLIGHT, producerLogging: PRODUCER_LOGGING.join(" ") },
    ...measured,
    summary: summaryLines(measured),
  };
  // With --json (npm run bench), the full table still goes to stderr, where the runner shows it.
  if (opts.json) log(`\n${report(results)}\n`);
  process.stdout.write(opts.json ? `${JSON.stringify(results)}\n` : `${report(results)}\n`);
}

stopEverythingOnSignals(log);

try {
  await main();
} catch (error) {
  log(`gateway benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await terminateAll();
}
