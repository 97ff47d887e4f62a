/**
 * The ledger: every task an intake made, in its lifecycle state. All state changes go through
 * here, so each one is applied by `advance` (lifecycle.ts), emitted once as an event, and told
 * once to the task's origin at its final state. `produced = succeeded + failed + pending`, and
 * `lost` at the end is whatever is still pending — 0 unless there is a bug. The figures a person
 * reads (latency percentiles, per target, per handler) are the telemetry's, from the events.
 */
import type { CallFailure } from "./client.js";
import type { Emit } from "./events.js";
import { advance, INITIAL_STATE, type ExpiryReason, type RetryPolicy, type TaskEvent, type TaskState } from "./lifecycle.js";
import type { RpcTask, TaskOutcome } from "./rpc-task.js";

/** What the ledger keeps of a task that has not reached a final state. */
interface Entry {
  readonly task: RpcTask;
  state: TaskState;
  /** When it last entered the queue (made, or sent back for a retry), in performance.now() ms. */
  queuedAt: number;
  /** When the current attempt was sent. */
  sentAt: number;
}

/** How a run ended, in counts: what decides the exit code. */
export interface RunCounts {
  readonly produced: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Tasks that reached no final state. Always 0: anything else is a bug. */
  readonly lost: number;
}

const RESULT_CHARS = 200;

/** The one event without fields, made once (the ledger applies events on every call's path). */
const REPLY: TaskEvent = { kind: "reply" };

/** The ledger is the retry policy `advance` reads: its `maxAttempts` and `retrying` as they are now. */
export class Ledger implements RetryPolicy {
  private readonly pending = new Map<number, Entry>();
  private produced = 0;
  private succeededCount = 0;
  private failedCount = 0;
  private inFlightCount = 0;
  /** False once shutting down: failed calls are then final. */
  retrying = true;

  constructor(
    private readonly emit: Emit,
    /** Attempts allowed in all: `--retries` + 1. */
    readonly maxAttempts: number,
    /** Told after each task reaches its final state. */
    private readonly settled: () => void = () => {},
  ) {}

  /** Tasks not yet in a final state. */
  get pendingCount(): number {
    return this.pending.size;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  counts(): RunCounts {
    return { produced: this.produced, succeeded: this.succeededCount, failed: this.failedCount, lost: this.pending.size };
  }

  /** When `task` last entered the queue (performance.now() ms). */
  queuedAt(task: RpcTask): number {
    return this.entry(task).queuedAt;
  }

  /** An intake made `task`; `depth` is the queue depth counting it. */
  queued(task: RpcTask, depth: number): void {
    this.produced++;
    this.pending.set(task.id, { task, state: INITIAL_STATE, queuedAt: performance.now(), sentAt: 0 });
    const { source, client, redelivered } = task.origin;
    this.emit({
      event: "task_queued",
      id: task.id,
      handler: task.handler,
      method: task.method,
      command: task.command,
      queue_depth: depth,
      source,
      ...(client === undefined ? {} : { client }),
      ...(redelivered === true ? { redelivered } : {}),
    });
  }

  sent(task: RpcTask, target: string): void {
    const entry = this.apply(task, { kind: "send", target });
    entry.sentAt = performance.now();
    this.inFlightCount++;
    this.emit({ event: "task_sent", id: task.id, target, attempt: attemptOf(entry.state) });
  }

  succeeded(task: RpcTask, reply: string): void {
    const entry = this.apply(task, REPLY);
    const state = entry.state as Extract<TaskState, { kind: "done" }>;
    const latencyMs = Math.round((performance.now() - entry.sentAt) * 1000) / 1000;
    this.inFlightCount--;
    this.succeededCount++;
    this.pending.delete(task.id);
    this.emit({
      event: "task_done",
      id: task.id,
      target: state.target,
      result: reply.slice(0, RESULT_CHARS),
      latency_ms: latencyMs,
      attempt: state.attempt,
    });
    this.tell(task, { ok: true, reply, target: state.target });
  }

  /** A call failed; returns `"retry"` if the task goes back to the queue, `"final"` if it failed for good. */
  callFailed(task: RpcTask, failure: CallFailure): "retry" | "final" {
    const before = this.entry(task).state as Extract<TaskState, { kind: "sent" }>;
    const entry = this.apply(task, { kind: "callFailed", reason: failure.reason, retryable: failure.retryable });
    const final = entry.state.kind === "failed";
    this.inFlightCount--;
    this.emit({
      event: "task_failed",
      id: task.id,
      target: before.target,
      error: failure.message,
      reason: failure.reason,
      attempt: before.attempt,
      final,
    });
    if (final) {
      this.fail(task, { ok: false, reason: failure.reason, error: failure.message, target: before.target, attempts: before.attempt });
      return "final";
    }
    entry.queuedAt = performance.now();
    return "retry";
  }

  /** A queued task is given up (`no_consumer`, `shutdown`, `cancelled`). No-op if it is final already. */
  expire(task: RpcTask, reason: ExpiryReason): void {
    const entry = this.pending.get(task.id);
    if (entry === undefined || entry.state.kind !== "queued") return;
    const { lastTarget, attempts } = entry.state;
    this.apply(task, { kind: "expire", reason });
    this.emit({ event: "task_failed", id: task.id, target: lastTarget, error: reason, reason, attempt: attempts, final: true });
    this.fail(task, { ok: false, reason, error: reason, target: lastTarget, attempts });
  }

  /** Exiting at once: every task not final fails with `reason` (in flight or queued). */
  abortAll(reason: "shutdown"): void {
    for (const entry of [...this.pending.values()]) {
      if (entry.state.kind === "queued") {
        this.expire(entry.task, reason);
      } else if (entry.state.kind === "sent") {
        const { target, attempt } = entry.state;
        this.apply(entry.task, { kind: "abort", reason });
        this.inFlightCount--;
        this.emit({ event: "task_failed", id: entry.task.id, target, error: reason, reason, attempt, final: true });
        this.fail(entry.task, { ok: false, reason, error: reason, target, attempts: attempt });
      }
    }
  }

  private entry(task: RpcTask): Entry {
    const entry = this.pending.get(task.id);
    if (entry === undefined) throw new Error(`task #${task.id} is not pending in the ledger (a bug)`);
    return entry;
  }

  private apply(task: RpcTask, event: TaskEvent): Entry {
    const entry = this.entry(task);
    entry.state = advance(entry.state, event, this);
    return entry;
  }

  private fail(task: RpcTask, outcome: TaskOutcome): void {
    this.failedCount++;
    this.pending.delete(task.id);
    this.tell(task, outcome);
  }

  /** The final state reaches the task's origin (a front door answers its client), then the run. */
  private tell(task: RpcTask, outcome: TaskOutcome): void {
    task.origin.answer?.(outcome);
    this.settled();
  }
}

function attemptOf(state: TaskState): number {
  return state.kind === "queued" ? state.attempts : state.attempt;
}
