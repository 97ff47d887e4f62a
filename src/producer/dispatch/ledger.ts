/**
 * The ledger: every task the payload made, in its lifecycle state, with the run's accounting.
 * All state changes go through here, so each one is applied by `advance` (lifecycle.ts), logged
 * once, and counted once: `produced = succeeded + failed + pending`, and `lost` at the end is
 * whatever is still pending — 0 unless there is a bug.
 */
import type { CallFailure } from "./client.js";
import type { HandlerSummary, Summary, TargetSummary } from "./events.js";
import { LatencyHistogram } from "../telemetry/latency.js";
import { advance, INITIAL_STATE, type TaskEvent, type TaskState } from "./lifecycle.js";
import type { Logger } from "../telemetry/log.js";
import type { RpcTask } from "./rpc-task.js";

/** What the ledger keeps of a task that has not reached a final state. */
interface Entry {
  readonly task: RpcTask;
  state: TaskState;
  /** When it last entered the queue (made, or sent back for a retry), in performance.now() ms. */
  queuedAt: number;
  /** When the current attempt was sent. */
  sentAt: number;
}

class Tally {
  succeeded = 0;
  failed = 0;
  readonly latency = new LatencyHistogram();

  summary(): TargetSummary {
    return { succeeded: this.succeeded, failed: this.failed, ...this.latency.percentiles() };
  }
}

/** Told of each outcome, for the live stats. */
export interface LedgerListener {
  completed(target: string, latencyMs: number): void;
  settled(): void;
}

const RESULT_CHARS = 200;

export class Ledger {
  private readonly pending = new Map<number, Entry>();
  private produced = 0;
  private readonly overall = new Tally();
  private readonly byTarget = new Map<string, Tally>();
  private readonly byHandler = new Map<string, Tally>();
  private readonly failures = new Map<string, number>();
  /** False once shutting down: failed calls are then final. */
  retrying = true;

  constructor(
    private readonly log: Logger,
    private readonly maxAttempts: number,
    targets: readonly string[],
    private readonly listener: LedgerListener,
  ) {
    for (const target of targets) this.byTarget.set(target, new Tally());
  }

  /** Tasks not yet in a final state. */
  get pendingCount(): number {
    return this.pending.size;
  }

  get producedCount(): number {
    return this.produced;
  }

  get inFlight(): number {
    let count = 0;
    for (const entry of this.pending.values()) if (entry.state.kind === "sent") count++;
    return count;
  }

  /** When `task` last entered the queue (performance.now() ms). */
  queuedAt(task: RpcTask): number {
    return this.entry(task).queuedAt;
  }

  /** The target a queued task was last sent to (a retry prefers another), or null. */
  lastTarget(task: RpcTask): string | null {
    const state = this.entry(task).state;
    return state.kind === "queued" ? state.lastTarget : null;
  }

  /** The payload made `task`; `depth` is the queue depth counting it. */
  queued(task: RpcTask, depth: number): void {
    this.produced++;
    this.pending.set(task.id, { task, state: INITIAL_STATE, queuedAt: performance.now(), sentAt: 0 });
    this.tally(this.byHandler, task.handler);
    this.log.log({ event: "task_queued", id: task.id, handler: task.handler, method: task.method, command: task.command, queue_depth: depth });
  }

  sent(task: RpcTask, target: string): void {
    const entry = this.apply(task, { kind: "send", target });
    entry.sentAt = performance.now();
    this.log.log({ event: "task_sent", id: task.id, target, attempt: attemptOf(entry.state) });
  }

  succeeded(task: RpcTask, reply: string): void {
    const entry = this.apply(task, { kind: "reply" });
    const state = entry.state as Extract<TaskState, { kind: "done" }>;
    const latencyMs = Math.round((performance.now() - entry.sentAt) * 1000) / 1000;
    this.settle(entry);
    for (const tally of [this.overall, this.tally(this.byTarget, state.target), this.tally(this.byHandler, task.handler)]) {
      tally.succeeded++;
      tally.latency.record(latencyMs);
    }
    this.log.log({
      event: "task_done",
      id: task.id,
      target: state.target,
      result: reply.slice(0, RESULT_CHARS),
      latency_ms: latencyMs,
      attempt: state.attempt,
    });
    this.listener.completed(state.target, latencyMs);
    this.listener.settled();
  }

  /** A call failed; returns `"retry"` if the task went back to the queue, `"final"` if it failed for good. */
  callFailed(task: RpcTask, failure: CallFailure): "retry" | "final" {
    const before = this.entry(task).state as Extract<TaskState, { kind: "sent" }>;
    const entry = this.apply(task, { kind: "callFailed", reason: failure.reason, retryable: failure.retryable });
    const final = entry.state.kind === "failed";
    this.log.log({
      event: "task_failed",
      id: task.id,
      target: before.target,
      error: failure.message,
      reason: failure.reason,
      attempt: before.attempt,
      final,
    });
    if (final) {
      this.fail(entry, before.target, failure.reason);
      return "final";
    }
    entry.queuedAt = performance.now();
    return "retry";
  }

  /** A queued task is given up: `no_consumer` (nobody up in time) or `shutdown`. No-op if it is final already. */
  expire(task: RpcTask, reason: "no_consumer" | "shutdown"): void {
    const entry = this.pending.get(task.id);
    if (entry === undefined || entry.state.kind !== "queued") return;
    const { lastTarget, attempts } = entry.state;
    this.apply(task, { kind: "expire", reason });
    this.log.log({ event: "task_failed", id: task.id, target: lastTarget, error: reason, reason, attempt: attempts, final: true });
    this.fail(entry, lastTarget, reason);
  }

  /** Exiting at once: every task not final fails with `reason` (in flight or queued). */
  abortAll(reason: "shutdown"): void {
    for (const entry of [...this.pending.values()]) {
      if (entry.state.kind === "queued") {
        this.expire(entry.task, reason);
      } else if (entry.state.kind === "sent") {
        const { target, attempt } = entry.state;
        this.apply(entry.task, { kind: "abort", reason });
        this.log.log({ event: "task_failed", id: entry.task.id, target, error: reason, reason, attempt, final: true });
        this.fail(entry, target, reason);
      }
    }
  }

  summary(durationSeconds: number): Summary {
    const perTarget: Record<string, TargetSummary> = {};
    for (const [name, tally] of this.byTarget) perTarget[name] = tally.summary();
    const perHandler: Record<string, HandlerSummary> = {};
    for (const [name, tally] of this.byHandler) perHandler[name] = { count: tally.succeeded + tally.failed, ...tally.summary() };
    const duration = Math.max(durationSeconds, 1e-9);
    return {
      produced: this.produced,
      succeeded: this.overall.succeeded,
      failed: this.overall.failed,
      lost: this.pending.size,
      duration_s: Math.round(durationSeconds * 1000) / 1000,
      throughput_per_s: Math.round((this.overall.succeeded / duration) * 100) / 100,
      latency_ms: this.overall.latency.percentiles(),
      per_target: perTarget,
      per_handler: perHandler,
      failures: Object.fromEntries(this.failures),
    };
  }

  private entry(task: RpcTask): Entry {
    const entry = this.pending.get(task.id);
    if (entry === undefined) throw new Error(`task #${task.id} is not pending in the ledger (a bug)`);
    return entry;
  }

  private apply(task: RpcTask, event: TaskEvent): Entry {
    const entry = this.entry(task);
    entry.state = advance(entry.state, event, { maxAttempts: this.maxAttempts, retrying: this.retrying });
    return entry;
  }

  private fail(entry: Entry, target: string | null, reason: string): void {
    this.settle(entry);
    this.overall.failed++;
    if (target !== null) this.tally(this.byTarget, target).failed++;
    this.tally(this.byHandler, entry.task.handler).failed++;
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
    this.listener.settled();
  }

  private settle(entry: Entry): void {
    this.pending.delete(entry.task.id);
  }

  private tally(map: Map<string, Tally>, key: string): Tally {
    let tally = map.get(key);
    if (tally === undefined) map.set(key, (tally = new Tally()));
    return tally;
  }
}

function attemptOf(state: TaskState): number {
  return state.kind === "queued" ? state.attempts : state.attempt;
}
