/**
 * An `RpcWorker` serves one consumer: it takes the next task from the shared queue (waiting while
 * it is empty, without blocking anything else), sends it with its `RpcClient`, and records the
 * outcome. One worker per consumer on one queue means the first free consumer takes the next
 * task — fair dispatch, like a prefetch of 1.
 *
 * When a call fails by transport, the worker marks its consumer down, gives the task back for
 * another worker (task-queue.ts: a retry goes elsewhere while another target is up), and probes with `system ping` under capped exponential
 * back-off (0.1 s doubling to 2 s) until the consumer answers; meanwhile it takes no tasks.
 */
import { sleep, type Operation } from "../../loop/index.js";
import { classifyFailure, type RpcClient } from "./client.js";
import type { Ledger } from "./ledger.js";
import type { Logger } from "../telemetry/log.js";
import type { RpcTask } from "./rpc-task.js";
import type { LiveStats } from "../telemetry/stats.js";
import type { TaskQueue } from "./task-queue.js";

const PROBE_FIRST_DELAY = 0.1;
const PROBE_MAX_DELAY = 2;

export interface WorkerContext {
  readonly ledger: Ledger;
  readonly stats: LiveStats;
  readonly log: Logger;
  /** Told after this worker's target went down (and `target_down` was logged). */
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
    const { ledger, stats } = this.context;
    ledger.sent(task, this.target);
    stats.busy(this.target, true);
    try {
      const reply = yield* this.client.call(task.command);
      ledger.succeeded(task, reply);
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.transport) this.markDown(failure.message);
      if (ledger.callFailed(task, failure) === "retry") this.queue.retry(task, this.target);
    } finally {
      stats.busy(this.target, false);
    }
  }

  private markDown(reason: string): void {
    if (this.downSince !== undefined) return;
    this.downSince = performance.now();
    this.context.log.log({ event: "target_down", target: this.target, reason });
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
      this.context.log.log({ event: "target_up", target: this.target, down_s: Math.round(downFor * 10) / 10 });
      return;
    }
  }
}
