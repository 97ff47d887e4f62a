/**
 * An `RpcWorker` serves one consumer: it takes the next task from the shared queue (waiting while
 * it is empty, without blocking anything else), sends it with its `RpcClient`, and records the
 * outcome in the ledger. One worker per consumer on one queue means the first free consumer takes
 * the next task — fair dispatch, like a prefetch of 1.
 *
 * When a call fails by transport, the worker marks its consumer down, gives the task back for
 * another worker (task-queue.ts: a retry goes elsewhere while another target is up), and probes
 * with `system ping` under capped exponential back-off (0.1 s doubling to 2 s) until the consumer
 * answers; meanwhile it takes no tasks.
 */
import { isTracing, sleep, spawn, type Operation } from "../../loop/index.js";
import { classifyFailure, type RpcClient } from "./client.js";
import type { Emit } from "./events.js";
import type { Ledger } from "./ledger.js";
import type { RpcTask } from "./rpc-task.js";
import type { TaskQueue } from "./task-queue.js";

export const PROBE_FIRST_DELAY = 0.1;
export const PROBE_MAX_DELAY = 2;

export interface WorkerContext {
  readonly ledger: Ledger;
  readonly emit: Emit;
  /** Told after this worker's target went down (and `target_down` was emitted). */
  targetDown(): void;
}

export class RpcWorker {
  private downSince: number | undefined;

  constructor(
    readonly client: RpcClient,
    private readonly queue: TaskQueue,
    private readonly context: WorkerContext,
  ) {}

  get target(): string {
    return this.client.peer;
  }

  /** False from a transport failure until the consumer answers a probe. */
  get up(): boolean {
    return this.downSince === undefined;
  }

  /** Takes tasks and calls, forever; the producer halts it when the run is over. */
  *handleTasks(): Operation<void> {
    for (;;) {
      if (!this.up) yield* this.probeUntilUp();
      yield* this.handle(yield* this.queue.next(this.target));
    }
  }

  private *handle(task: RpcTask): Operation<void> {
    const { ledger } = this.context;
    ledger.sent(task, this.target);
    try {
      // In place, not through a generator of its own: one level less on every resume of the
      // producer's hottest path; only a traced call gets its own task (tracedCall).
      const reply = isTracing() ? yield* this.tracedCall(task) : yield* this.client.call(task.command);
      ledger.succeeded(task, reply);
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.transport) this.markDown(failure.message);
      if (ledger.callFailed(task, failure) === "retry") this.queue.retry(task, this.target);
    }
  }

  /**
   * The call, while someone traces the loop: in a task of its own named `call #12 →
   * 127.0.0.1:9000`, so a trace shows each call's waits on its own track. Only then: a task per
   * call costs (the call is the producer's hottest path), and joining it gives the same value,
   * the same errors and the same halting as calling in place.
   */
  private *tracedCall(task: RpcTask): Operation<string> {
    const call = yield* spawn(() => this.client.call(task.command), `call #${task.id} → ${this.target}`);
    return yield* call;
  }

  private markDown(reason: string): void {
    if (this.downSince !== undefined) return;
    this.downSince = performance.now();
    this.context.emit({ event: "target_down", target: this.target, reason });
    this.context.targetDown();
  }

  private *probeUntilUp(): Operation<void> {
    for (let delay = PROBE_FIRST_DELAY; ; delay = Math.min(delay * 2, PROBE_MAX_DELAY)) {
      yield* sleep(delay);
      try {
        yield* this.client.call("system ping");
      } catch (error) {
        if (classifyFailure(error).transport) continue;
        // It answered, if with an error: the consumer is up.
      }
      const downFor = (performance.now() - (this.downSince ?? performance.now())) / 1000;
      this.downSince = undefined;
      this.context.emit({ event: "target_up", target: this.target, down_s: Math.round(downFor * 10) / 10 });
      return;
    }
  }
}
