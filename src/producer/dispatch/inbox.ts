/**
 * The queue's door for intakes (intake.ts): numbers each request, accounts for it in the ledger
 * (`task_queued`), and tells backpressure once per episode: `queue_full` when a task finds the
 * queue full, `queue_has_room` only once it is below 90 % of its limit again — a queue that
 * hovers at its limit would otherwise say both at every task (hysteresis).
 */
import type { Operation } from "../../loop/index.js";
import type { Emit } from "./events.js";
import type { Inbox } from "./intake.js";
import type { Ledger } from "./ledger.js";
import { makeTask, type RpcTask, type TaskOrigin, type TaskRequest } from "./rpc-task.js";
import type { TaskQueue } from "./task-queue.js";

/** After being full, the queue "has room" again only below this share of its limit. */
const ROOM_SHARE = 0.9;

export class TaskInbox implements Inbox {
  private nextId = 1;
  /** Set while the queue is full, from the first task that found it so (performance.now() ms). */
  private blockedSince: number | undefined;

  constructor(
    private readonly queue: TaskQueue,
    private readonly ledger: Ledger,
    private readonly emit: Emit,
    /** Where exchanges run: the producer's own scope (see Inbox.serve). */
    readonly serve: (exchange: () => Operation<void>, name?: string) => void,
  ) {}

  *put(request: TaskRequest, origin: TaskOrigin): Operation<RpcTask> {
    const task = makeTask(this.nextId++, request, origin);
    const { tasks } = this.queue;
    if (this.hasRoom()) {
      this.ledger.queued(task, tasks.waitingGetters > 0 ? 0 : tasks.size + 1);
      tasks.offer(task);
      return task;
    }
    this.ledger.queued(task, tasks.size);
    if (this.blockedSince === undefined) {
      this.blockedSince = performance.now();
      this.emit({ event: "queue_full", queue_limit: tasks.limit });
    }
    let accepted = false;
    try {
      yield* tasks.put(task);
      accepted = true;
    } finally {
      if (!accepted) this.ledger.expire(task, "shutdown"); // halted while waiting for room
    }
    return task;
  }

  offer(request: TaskRequest, origin: TaskOrigin): RpcTask | undefined {
    if (!this.hasRoom()) return undefined;
    const task = makeTask(this.nextId++, request, origin);
    const { tasks } = this.queue;
    this.ledger.queued(task, tasks.waitingGetters > 0 ? 0 : tasks.size + 1);
    tasks.offer(task);
    return task;
  }

  cancel(task: RpcTask): boolean {
    if (this.queue.removeWhere((queued) => queued === task).length === 0) return false;
    this.ledger.expire(task, "cancelled");
    return true;
  }

  /** Whether a task can go in now; ends a full episode once the queue is below 90 % of its limit. */
  private hasRoom(): boolean {
    const { tasks } = this.queue;
    const room = tasks.waitingGetters > 0 || tasks.size < tasks.limit;
    if (room && this.blockedSince !== undefined && (tasks.waitingGetters > 0 || tasks.size < tasks.limit * ROOM_SHARE)) {
      const blockedSeconds = (performance.now() - this.blockedSince) / 1000;
      this.blockedSince = undefined;
      this.emit({ event: "queue_has_room", blocked_s: Math.round(blockedSeconds * 10) / 10 });
    }
    return room;
  }
}
