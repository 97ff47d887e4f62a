// `npm run demo:cluster`: beyond one machine, in about 30 seconds. A private RabbitMQ, two
// producers each in front of two consumers, all taking tasks from one shared queue, and the
// client's load sent through the broker. Halfway, one producer is killed with SIGKILL: the tasks
// it held go back to the broker, the other producer serves them, and every request still gets its
// answer. It ends by saying how many tasks each producer served, how many were redelivered, and
// whether every request was answered; it stops everything it started, by itself.
import { join } from "node:path";
import { startPrivateBroker, type PrivateBroker } from "./lib/broker.js";
import { repoRoot as root, startConsumer, startProcess, terminateAll, type RunningProcess } from "./lib/processes.js";

const QUEUE = "demo.tasks";
const TASKS = 600;
/** 50 tasks/s against four consumers that each manage 50/s (`system sleep 20`): they keep up, broker round trips included. */
const LOAD = ["--load", "--tasks", String(TASKS), "--interval", "0.02", "--sleep-ms", "20", "--stats-every", "2", "--quiet"];
const KILL_AFTER_S = 5;

async function startBroker(): Promise<PrivateBroker> {
  process.stdout.write("demo: starting a private RabbitMQ (scripts/broker.sh start; ~10 s)...\n");
  try {
    return await startPrivateBroker(90_000, (line) => process.stderr.write(`${line}\n`));
  } catch (error) {
    throw new Error(`no RabbitMQ could be started (${(error as Error).message})`, { cause: error });
  }
}

function jsonEvents(process: RunningProcess): Record<string, unknown>[] {
  return process
    .stdout()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function main(): Promise<number> {
  const broker = await startBroker();
  try {
    const consumers = await Promise.all([0, 1, 2, 3].map(() => startConsumer(undefined, [], { output: "tail", viaScript: true })));
    const producer = (name: string, ports: readonly number[]): RunningProcess => {
      process.stdout.write(`demo: producer ${name} in front of consumers ${ports.join(", ")}\n`);
      return startProcess(join(root, "run_rpc_producer.sh"), ["--amqp", broker.url, "--amqp-queue", QUEUE, "--log-format", "json", "--stats-every", "0", ...ports.map(String)], { output: "keep" });
    };
    const a = producer("A", [consumers[0]!.port, consumers[1]!.port]);
    const b = producer("B", [consumers[2]!.port, consumers[3]!.port]);
    for (const p of [a, b]) await p.waitForLine(/"event":"broker_up"/, 30_000);

    process.stdout.write(`demo: the client sends ${TASKS} requests through RabbitMQ (run_rpc_client.sh --amqp … --load); producer A is killed with SIGKILL after ${KILL_AFTER_S} s\n\n`);
    const client = startProcess(join(root, "run_rpc_client.sh"), ["--amqp", broker.url, "--amqp-queue", QUEUE, ...LOAD], { output: "inherit" });
    await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_S * 1000));
    const servedBeforeKill = jsonEvents(a).filter((e) => e.event === "task_done").length;
    await a.stop("SIGKILL");
    process.stdout.write(`\ndemo: killed producer A with SIGKILL after it had served ${servedBeforeKill} tasks; what it held goes back to the broker\n\n`);
    const clientExit = await client.exited(120_000);
    await b.stop("SIGTERM");

    const servedByA = jsonEvents(a).filter((e) => e.event === "task_done").length;
    const bEvents = jsonEvents(b);
    const servedByB = bEvents.filter((e) => e.event === "task_done").length;
    const redelivered = bEvents.filter((e) => e.event === "task_queued" && e.redelivered === true).length;
    process.stdout.write(
      `\ndemo: producer A served ${servedByA} tasks before SIGKILL; producer B served ${servedByB}, ${redelivered} of them redelivered from A.\n` +
        `demo: ${servedByA + servedByB - TASKS} answers were sent twice (at least once: a task A finished but had not acked yet); the client keeps the first.\n`,
    );
    if (clientExit.code === 0) {
      process.stdout.write(`demo: every one of the ${TASKS} requests got its answer (the client's summary above: lost 0).\n`);
      return 0;
    }
    process.stdout.write(`demo: the client exited with ${String(clientExit.code)}: NOT every request got its answer; see its summary above.\n`);
    return 1;
  } finally {
    await terminateAll();
    await broker.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo:cluster failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
