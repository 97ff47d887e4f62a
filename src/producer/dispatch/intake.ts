/**
 * An intake: where tasks come from. It puts `RpcTask`s into the producer's queue through an
 * `Inbox`, and each task's origin is told the task's final state (to answer its client). The
 * simulated payload is one (src/producer/intake/payload.ts); a front door (`--listen`, `--http`,
 * `--amqp`) is another, and adding one touches no dispatch code.
 */
import type { Operation } from "../../loop/index.js";
import type { RpcTask, TaskOrigin, TaskRequest } from "./rpc-task.js";

export interface Intake {
  /** What it is, for the trace and for errors: `payload`, `listen 127.0.0.1:8000`, … */
  readonly name: string;
  /**
   * Puts tasks into `inbox` until it has no more, then returns; halted at shutdown. An error it
   * throws fails the whole run (a bug must not end in a clean summary).
   */
  run(inbox: Inbox): Operation<void>;
}

/** The queue's door, as an intake sees it. */
export interface Inbox {
  /**
   * Makes `request` a task (numbered, logged as `task_queued`) and puts it into the queue,
   * waiting while the queue is full (backpressure). Halted while waiting, the task fails with
   * `shutdown` and never enters the queue.
   */
  put(request: TaskRequest, origin: TaskOrigin): Operation<RpcTask>;
  /**
   * The same without waiting: `undefined` (and nothing logged) when the queue is full, so a front
   * door can answer `unavailable` at once.
   */
  offer(request: TaskRequest, origin: TaskOrigin): RpcTask | undefined;
  /** Its client went away: a task not sent yet fails with `cancelled`; returns whether it did. */
  cancel(task: RpcTask): boolean;
  /**
   * Runs one client's exchange (read its request, wait for the answer, write it) in the producer's
   * own scope rather than the intake's: at shutdown the intake is halted, so it takes no new
   * client, but an exchange runs on until its client has its answer (`shutting down` for a task
   * still queued, the result for one in flight). The run ends once every exchange has ended; an
   * exchange that throws fails the run, like an intake. `name` is its task's, for traces
   * (`client 127.0.0.1:53122`).
   */
  serve(exchange: () => Operation<void>, name?: string): void;
}
