/**
 * `run_rpc_client.sh … --load`: the simulated payload of PROTOCOL §4, sent through a front door
 * as an outside client (§8). The payload is the producer's own intake, so the same options and
 * seed give the same tasks; the accounting is the producer's ledger, so the events, live stats and
 * summary are the producer's too — with latency measured end to end, as the client sees it.
 *
 * It is an open loop: each task is sent the moment the payload makes it, in a task of its own, so
 * a slow door makes requests pile up in flight rather than slowing the payload down.
 */
import { Queue, sleep, spawn, type Operation } from "../loop/index.js";
import type { Emit } from "../producer/dispatch/events.js";
import type { Inbox } from "../producer/dispatch/intake.js";
import { Ledger, type RunCounts } from "../producer/dispatch/ledger.js";
import type { Sampler } from "../producer/dispatch/producer.js";
import { makeTask, type RpcTask, type TaskOrigin, type TaskRequest } from "../producer/dispatch/rpc-task.js";
import { ClientPayload, type PayloadOptions } from "../producer/intake/payload.js";
import { TransportError, type FrontDoor } from "./front-door.js";

/** The client's door for the payload: a task is sent as soon as it is made (no queue to wait in). */
class SendAtOnce implements Inbox {
  private nextId = 1;

  constructor(
    private readonly ledger: Ledger,
    private readonly toSend: Queue<RpcTask>,
  ) {}

  // An operation that never waits (the task is sent at once), yet still does nothing until run.
  // eslint-disable-next-line require-yield
  *put(request: TaskRequest, origin: TaskOrigin): Operation<RpcTask> {
    return this.offer(request, origin);
  }

  offer(request: TaskRequest, origin: TaskOrigin): RpcTask {
    const task = makeTask(this.nextId++, request, origin);
    this.ledger.queued(task, 0);
    this.toSend.offer(task);
    return task;
  }

  cancel(): boolean {
    return false; // nothing waits here to be withdrawn
  }

  serve(): void {
    throw new Error("the client's load serves no exchanges (a bug)");
  }
}

/** Sends the payload through `door` until it is done and every answer is in; returns the counts. */
export function* sendLoad(door: FrontDoor, payload: PayloadOptions, emit: Emit, samplers: readonly Sampler[] = []): Operation<RunCounts> {
  const settled = new Queue<void>(Infinity, "settled");
  // One attempt per task: retrying is the producer's business, behind the door.
  const ledger = new Ledger(emit, 1, () => settled.offer(undefined));
  const toSend = new Queue<RpcTask>(Infinity, "to send");
  yield* spawn(function* () {
    for (;;) {
      const task = yield* toSend.get();
      yield* spawn(() => send(door, task, ledger));
    }
  });
  // The live stats read the client's side: nothing is queued here; in flight is what awaits its answer.
  const gauges = { queueDepth: 0, get inFlight() { return ledger.inFlight; }, isUp: () => true };
  for (const sampler of samplers) {
    yield* spawn(function* () {
      for (;;) {
        yield* sleep(sampler.every);
        sampler.sample(gauges);
      }
    });
  }
  yield* new ClientPayload(payload).run(new SendAtOnce(ledger, toSend));
  while (ledger.pendingCount > 0) yield* settled.get();
  return ledger.counts();
}

function* send(door: FrontDoor, task: RpcTask, ledger: Ledger): Operation<void> {
  ledger.sent(task, door.name);
  try {
    const answer = yield* door.send(task.command);
    if (answer.kind === "result") ledger.succeeded(task, answer.text);
    else ledger.callFailed(task, { reason: answer.code, message: `ERROR ${answer.code}: ${answer.message}`, transport: false, retryable: false });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    ledger.callFailed(task, { reason: "unreachable", message: error.message, transport: true, retryable: false });
  }
}
