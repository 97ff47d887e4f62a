/**
 * The run's summary (the `summary` event), tallied from the producer's events: counts, latency
 * percentiles overall, per target and per handler, and final failures by reason.
 */
import type { HandlerSummary, ProducerEvent, Summary, TargetSummary } from "../dispatch/events.js";
import { LatencyHistogram } from "./latency.js";

class Tally {
  succeeded = 0;
  failed = 0;

  summary(latency: LatencyHistogram): TargetSummary {
    return { succeeded: this.succeeded, failed: this.failed, ...latency.percentiles() };
  }
}

export class SummaryTally {
  private produced = 0;
  private readonly overall = new Tally();
  private readonly byTarget = new Map<string, Tally>();
  private readonly byHandler = new Map<string, Tally>();
  /** The handler of each task not final yet: a final event names only the task. */
  private readonly handlers = new Map<number, string>();
  private readonly failures = new Map<string, number>();
  /**
   * Latencies by target, then handler: one record per task, not three (overall, its target's, its
   * handler's) — on the gateway's hottest path. The summary adds them up; HDR histograms of the
   * same layout add exactly, so the percentiles are the same.
   */
  private readonly latencies = new Map<string, Map<string, LatencyHistogram>>();
  private readonly startedAt: number;

  constructor(
    targets: readonly string[],
    /** Milliseconds, monotonic; injectable for tests. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
    for (const target of targets) this.byTarget.set(target, new Tally());
  }

  /** Learns from one producer event. */
  observe(event: ProducerEvent): void {
    switch (event.event) {
      case "task_queued":
        this.produced++;
        this.handlers.set(event.id, event.handler);
        tally(this.byHandler, event.handler);
        return;
      case "task_done": {
        const handler = this.settle(event.id);
        this.overall.succeeded++;
        tally(this.byTarget, event.target).succeeded++;
        tally(this.byHandler, handler).succeeded++;
        this.latencyOf(event.target, handler).record(event.latency_ms);
        return;
      }
      case "task_failed": {
        if (!event.final) return;
        const handler = this.settle(event.id);
        this.overall.failed++;
        if (event.target !== null) tally(this.byTarget, event.target).failed++;
        tally(this.byHandler, handler).failed++;
        this.failures.set(event.reason, (this.failures.get(event.reason) ?? 0) + 1);
        return;
      }
      default:
        return;
    }
  }

  /** The summary now; `lost` counts the tasks with no final state yet. */
  summary(): Summary {
    const durationSeconds = (this.now() - this.startedAt) / 1000;
    const overall = new LatencyHistogram();
    const byTarget = new Map<string, LatencyHistogram>();
    const byHandler = new Map<string, LatencyHistogram>();
    for (const [target, handlers] of this.latencies) {
      for (const [handler, latency] of handlers) {
        for (const sum of [overall, histogram(byTarget, target), histogram(byHandler, handler)]) sum.add(latency);
      }
    }
    const perTarget: Record<string, TargetSummary> = {};
    for (const [name, t] of this.byTarget) perTarget[name] = t.summary(histogram(byTarget, name));
    const perHandler: Record<string, HandlerSummary> = {};
    for (const [name, t] of this.byHandler) perHandler[name] = { count: t.succeeded + t.failed, ...t.summary(histogram(byHandler, name)) };
    const duration = Math.max(durationSeconds, 1e-9);
    return {
      produced: this.produced,
      succeeded: this.overall.succeeded,
      failed: this.overall.failed,
      lost: this.handlers.size,
      duration_s: Math.round(durationSeconds * 1000) / 1000,
      throughput_per_s: Math.round((this.overall.succeeded / duration) * 100) / 100,
      latency_ms: overall.percentiles(),
      per_target: perTarget,
      per_handler: perHandler,
      failures: Object.fromEntries(this.failures),
    };
  }

  private latencyOf(target: string, handler: string): LatencyHistogram {
    let handlers = this.latencies.get(target);
    if (handlers === undefined) this.latencies.set(target, (handlers = new Map()));
    return histogram(handlers, handler);
  }

  private settle(id: number): string {
    const handler = this.handlers.get(id);
    // A final event for a task never queued is the producer's bug: say so rather than miscount.
    if (handler === undefined) throw new Error(`summary: task #${id} reached a final state but was never queued (a bug)`);
    this.handlers.delete(id);
    return handler;
  }
}

function tally(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (t === undefined) map.set(key, (t = new Tally()));
  return t;
}

function histogram(map: Map<string, LatencyHistogram>, key: string): LatencyHistogram {
  let h = map.get(key);
  if (h === undefined) map.set(key, (h = new LatencyHistogram()));
  return h;
}
