// Consumer benchmark:
//   node --import tsx scripts/bench/consumer.ts [--json] [--seconds S] [--rounds N] [--clients N] [--runs N]
// Starts a real consumer on a free port and measures
//   1. the end-to-end reply time of `fibonacci_generator calculate 1000000` (connect → end of
//      reply; median of a few runs; goal ≤ 100 ms);
//   2. `system ping` replies per second under N client loops, each opening a fresh connection
//      per request, against the same load on a minimal Node `net` server that answers `pong\n`
//      and closes (goal: the consumer reaches ≥ 0.8 of it).
// The two servers are measured in alternating rounds (consumer, bare, consumer, bare …) and the
// median round of each is reported, so that a change in the machine's load weighs on both alike.
// Prints a small table, or with `--json` one JSON object (for a runner to gather); stops
// everything it started. Exit 0 when it could measure, 1 otherwise.
import { freePort, repoRoot, startProcess, terminateAll, type RunningProcess } from "../lib/processes.js";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "10" },
    clients: { type: "string", default: "4" },
    runs: { type: "string", default: "7" },
  },
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const runs = Number(values.runs);
const rounds = Number(values.rounds);

/**
 * Spawns a server and resolves once it answers `system ping` (the bare server answers anything).
 * Its stdout goes to /dev/null: the consumer logs every request, and reading those lines here
 * would take CPU from the client loops; the consumer still does all its logging work.
 */
async function startServer(command: string, args: string[], port: number): Promise<RunningProcess> {
  const server = startProcess(command, args, { output: "discard" });
  const deadline = performance.now() + 10_000;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`server exited with ${server.child.exitCode} before it was ready`);
    try {
      if ((await call(port, "system ping")).reply === "pong\n") return server;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error("server not ready within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One request on a fresh connection: resolves with the reply and the time it took (ms). */
function call(port: number, command: string): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const socket = net.connect({ port, host: "127.0.0.1", noDelay: true }, () => socket.write(command + "\n"));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("end", () => {
      socket.end();
      resolve({ reply: Buffer.concat(chunks).toString(), ms: performance.now() - started });
    });
    socket.once("error", reject);
  });
}

async function fibonacciRuns(port: number): Promise<number[]> {
  await call(port, "fibonacci_generator calculate 1000"); // warm-up: JIT, first connection
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { reply, ms } = await call(port, "fibonacci_generator calculate 1000000");
    if (reply.length !== 208_989) throw new Error(`unexpected reply to calculate 1000000: ${reply.slice(0, 80)}`);
    times.push(ms);
  }
  return times;
}

/** `clients` loops of ping for `durationS` seconds; replies per second. */
async function pingLoad(port: number, durationS: number): Promise<number> {
  let count = 0;
  let failures = 0;
  const deadline = performance.now() + durationS * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      try {
        const { reply } = await call(port, "system ping");
        if (reply === "pong\n") count++;
        else failures++;
      } catch {
        failures++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, loop));
  const elapsed = (performance.now() - started) / 1000;
  if (failures > 0) console.error(`  (${failures} ping calls failed on port ${port})`);
  return count / elapsed;
}

const BARE_SERVER = `
const net = require("node:net");
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on("error", () => {});
  socket.once("data", () => socket.end("pong\\n"));
});
server.listen(Number(process.argv[1]), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function row(measure: string, value: string, goal = "", verdict = ""): string {
  return `  ${measure.padEnd(40)} ${value.padStart(12)}   ${goal.padEnd(10)} ${verdict}`;
}

async function main(): Promise<void> {
  const consumerPort = await freePort();
  const barePort = await freePort();
  // As users run it: the script builds dist/consumer.js when src/ is newer, then execs node on it.
  const consumer = await startServer(join(repoRoot, "run_rpc_consumer.sh"), [String(consumerPort)], consumerPort);
  const bare = await startServer(process.execPath, ["-e", BARE_SERVER, String(barePort)], barePort);

  const fib = await fibonacciRuns(consumerPort);

  await pingLoad(consumerPort, 0.5); // warm-up
  await pingLoad(barePort, 0.5);
  const consumerRounds: number[] = [];
  const bareRounds: number[] = [];
  for (let round = 0; round < rounds; round++) {
    consumerRounds.push(await pingLoad(consumerPort, seconds / rounds));
    bareRounds.push(await pingLoad(barePort, seconds / rounds));
  }
  await Promise.all([consumer.stop(), bare.stop()]);

  const fibMedian = median(fib);
  const consumerRate = median(consumerRounds);
  const bareRate = median(bareRounds);
  const ratio = consumerRate / bareRate;
  // How much a single round can be trusted on this machine: the ratio of each consumer round to
  // the bare round right after it.
  const pairRatios = consumerRounds.map((rate, i) => rate / bareRounds[i]!);
  const load = os.loadavg()[0]!;
  if (values.json) {
    const result = {
      node: process.version,
      cpus: os.cpus().length,
      load_average: load,
      fibonacci_1e6_ms: { median: fibMedian, min: Math.min(...fib), max: Math.max(...fib), runs, goal: 100, met: fibMedian <= 100 },
      ping_per_s: {
        consumer: consumerRate,
        bare: bareRate,
        ratio,
        goal: 0.8,
        met: ratio >= 0.8,
        round_ratios: pairRatios,
        clients,
        seconds,
        rounds,
      },
    };
    console.log(JSON.stringify(result));
    return;
  }
  console.log(`consumer benchmark — node ${process.version}, ${os.cpus().length} CPUs, load average ${load.toFixed(2)}`);
  console.log(`ping load: ${clients} client loops, a fresh connection per call; ${seconds} s per server in ${rounds} alternating rounds, median round`);
  console.log(row("measure", "value", "goal", ""));
  console.log(row(`F(1000000) end to end, median of ${runs}`, `${fibMedian.toFixed(1)} ms`, "≤ 100 ms", fibMedian <= 100 ? "met" : "MISSED"));
  console.log(row("F(1000000) end to end, min / max", `${Math.min(...fib).toFixed(1)} / ${Math.max(...fib).toFixed(1)} ms`));
  console.log(row("system ping, consumer", `${Math.round(consumerRate)} /s`));
  console.log(row("system ping, bare net server", `${Math.round(bareRate)} /s`));
  console.log(row("ratio consumer / bare", ratio.toFixed(2), "≥ 0.80", ratio >= 0.8 ? "met" : "MISSED"));
  console.log(row("ratio in single rounds, min / max", `${Math.min(...pairRatios).toFixed(2)} / ${Math.max(...pairRatios).toFixed(2)}`));
}

process.on("SIGINT", () => void terminateAll().then(() => process.exit(130)));

try {
  await main();
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await terminateAll();
}
