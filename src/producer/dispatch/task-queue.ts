/**
 * The task queue the workers take from: the intakes' bounded FIFO, plus the retries that must go
 * elsewhere (PROTOCOL §4). A retry never goes back to the target whose attempt just failed while
 * another target is up — even when every other target is busy: then the retry is held here until
 * one of them asks for its next task, and the target that failed it takes newer tasks meanwhile.
 *
 *     retry(task, "A") ──▶ an idle worker waiting in get? ──yes──▶ handed to it (it is not A)
 *                             │ no
 *                             ▼
 *                     held for any worker but A ──▶ taken first by the next one that asks
 *                             │ the last other target goes down
 *                             ▼
 *                     back to the front of the queue (A may take it: nobody else can)
 */
import { type Operation, Queue } from "../../loop/index.js";
import type { RpcTask } from "./rpc-task.js";

export class TaskQueue {
  /** New tasks, in order; intakes put here and wait while it is full (backpressure). */
  readonly tasks: Queue<RpcTask>;
  /** Retries that wait for a worker other than the one they avoid, oldest first. */
  private readonly held: RpcTask[] = [];
  /** The target each retry in the queue or held here must avoid while another is up. */
  private readonly avoiding = new Map<RpcTask, string>();

  constructor(
    limit: number,
    /** Whether some target other than `target` is up now. */
    private readonly anotherUp: (target: string) => boolean,
  ) {
    this.tasks = new Queue<RpcTask>(limit, "tasks");
  }

  /** Tasks waiting: in the queue and held for another target. */
  get size(): number {
    return this.tasks.size + this.held.length;
  }

  /** The next task `target`'s worker may send: a held retry first, else the queue's next. */
  *next(target: string): Operation<RpcTask> {
    for (;;) {
      const held = this.takeHeld(target);
      if (held !== undefined) return held;
      const task = yield* this.tasks.get();
      const avoid = this.avoiding.get(task);
      if (avoid === undefined) return task;
      if (avoid !== target || !this.anotherUp(avoid)) {
        this.avoiding.delete(task);
        return task;
      }
      this.retry(task, avoid); // it came back to the target it failed on: pass it on
    }
  }

  /** `task` failed at `failedAt` and will be tried again, elsewhere while another target is up. */
  retry(task: RpcTask, failedAt: string): void {
    if (!this.anotherUp(failedAt)) {
      this.avoiding.delete(task);
      this.tasks.putFront(task);
      return;
    }
    this.avoiding.set(task, failedAt);
    // A worker waiting in get is idle and up, and it is not failedAt's (that one is running now).
    if (this.tasks.waitingGetters > 0) this.tasks.putFront(task);
    else this.held.push(task);
  }

  /** A target went down: retries that now have nowhere else to go return to the queue's front. */
  targetDown(): void {
    for (let i = this.held.length - 1; i >= 0; i--) {
      const task = this.held[i]!;
      const avoid = this.avoiding.get(task)!;
      if (this.anotherUp(avoid)) continue;
      this.held.splice(i, 1);
      this.avoiding.delete(task);
      this.tasks.putFront(task); // from the back of `held`, so the oldest ends up in front
    }
  }

  /** Removes and returns the waiting tasks (queued, held, or waiting to be put) for which `predicate` holds. */
  removeWhere(predicate: (task: RpcTask) => boolean): RpcTask[] {
    const held: RpcTask[] = [];
    for (let i = 0; i < this.held.length; ) {
      const task = this.held[i]!;
      if (predicate(task)) {
        held.push(task);
        this.held.splice(i, 1);
      } else {
        i++;
      }
    }
    const removed = [...held, ...this.tasks.removeWhere(predicate)];
    for (const task of removed) this.avoiding.delete(task);
    return removed;
  }

  private takeHeld(target: string): RpcTask | undefined {
    if (this.held.length === 0) return undefined;
    const index = this.held.findIndex((task) => this.avoiding.get(task) !== target);
    if (index === -1) return undefined;
    const [task] = this.held.splice(index, 1);
    this.avoiding.delete(task!);
    return task;
  }
}
