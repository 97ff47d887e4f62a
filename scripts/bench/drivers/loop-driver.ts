// Driver "ours" of the RPC benchmark: our event loop (src/loop) and the producer's RpcClient,
// exactly the code path of an RpcWorker's call, with no logging. One task per in-flight slot, each
// doing `yield* client.call(command)` in a loop until the phase's deadline; then one JSON line.
//
//   node --import tsx scripts/bench/drivers/loop-driver.ts --targets 127.0.0.1:9000 --command "system ping" --inflight 1 --seconds 2
//
// Arguments and output: see common.ts.
import { run, spawn, type Operation, type Task } from "../../../src/loop/index.js";
import { RpcClient } from "../../../src/producer/dispatch/client.js";
import { parseDriverArgs, PhaseStats, report } from "./common.js";

const args = parseDriverArgs(process.argv.slice(2));
const clients = args.targets.map((target) => new RpcClient(target.host, target.port, args.timeout));

function* slot(client: RpcClient, deadline: number, stats: PhaseStats): Operation<void> {
  while (performance.now() < deadline) {
    const started = performance.now();
    try {
      yield* client.call(args.command);
      stats.ok(performance.now() - started);
    } catch (error) {
      stats.failed(error);
    }
  }
}

/** Runs the load for `seconds`; returns what it did and how long it took until the last call ended. */
function* phase(seconds: number): Operation<{ stats: PhaseStats; elapsedMs: number }> {
  const stats = new PhaseStats();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const slots: Task<void>[] = [];
  for (let i = 0; i < args.inflight * clients.length; i++) {
    const client = clients[i % clients.length]!;
    slots.push(yield* spawn(() => slot(client, deadline, stats)));
  }
  for (const task of slots) yield* task;
  return { stats, elapsedMs: performance.now() - started };
}

run(
  function* () {
    if (args.warmup > 0) yield* phase(args.warmup);
    const { stats, elapsedMs } = yield* phase(args.seconds);
    return report("ours", stats, elapsedMs);
  },
  (outcome) => {
    if (outcome.ok) {
      process.stdout.write(`${outcome.value}\n`);
    } else {
      process.stderr.write(`loop driver failed: ${String(outcome.error)}\n`);
      process.exitCode = 1;
    }
  },
);
