/**
 * Live figures for the `stats` event: rates over the last interval, and per target whether it is
 * up, the share of the interval it had a call in flight, and its latency percentiles. The clock
 * is injected so the arithmetic can be tested on a fake one.
 */
import type { ProducerEvent, TargetStats } from "../dispatch/events.js";
import { LatencyHistogram } from "./latency.js";

class TargetWindow {
  busySince: number | undefined;
  busyMs = 0;
  completed = 0;
  completedTotal = 0;
  readonly latency = new LatencyHistogram();
}

/** The figures of the current interval; `snapshot()` turns them into a `stats` event and starts the next. */
export class LiveStats {
  private windowStart: number;
  private produced = 0;
  private completed = 0;
  private readonly targets = new Map<string, TargetWindow>();

  constructor(
    targets: readonly string[],
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowStart = now();
    for (const target of targets) this.targets.set(target, new TargetWindow());
  }

  taskProduced(): void {
    this.produced++;
  }

  callCompleted(target: string, latencyMs: number): void {
    this.completed++;
    const window = this.window(target);
    window.completed++;
    window.completedTotal++;
    window.latency.record(latencyMs);
  }

  /** A call to `target` started (`true`) or ended (`false`). */
  busy(target: string, busy: boolean): void {
    const window = this.window(target);
    const now = this.now();
    if (busy) {
      window.busySince = now;
    } else if (window.busySince !== undefined) {
      window.busyMs += now - Math.max(window.busySince, this.windowStart);
      window.busySince = undefined;
    }
  }

  /** The figures since the last snapshot, which starts a new interval. */
  snapshot(queueDepth: number, inFlight: number, isUp: (target: string) => boolean): Extract<ProducerEvent, { event: "stats" }> {
    const now = this.now();
    const seconds = Math.max((now - this.windowStart) / 1000, 1e-9);
    const perTarget: Record<string, TargetStats> = {};
    for (const [name, window] of this.targets) {
      const busyMs = window.busyMs + (window.busySince === undefined ? 0 : now - Math.max(window.busySince, this.windowStart));
      perTarget[name] = {
        up: isUp(name),
        busy_share: round(Math.min(1, busyMs / (seconds * 1000)), 3),
        completed: window.completed,
        completed_total: window.completedTotal,
        p50: window.latency.at(50),
        p95: window.latency.at(95),
      };
      window.busyMs = 0;
      window.completed = 0;
      window.latency.reset();
    }
    const event = {
      event: "stats" as const,
      queue_depth: queueDepth,
      in_flight: inFlight,
      produced_per_s: round(this.produced / seconds, 2),
      completed_per_s: round(this.completed / seconds, 2),
      per_target: perTarget,
    };
    this.produced = 0;
    this.completed = 0;
    this.windowStart = now;
    return event;
  }

  private window(target: string): TargetWindow {
    let window = this.targets.get(target);
    if (window === undefined) this.targets.set(target, (window = new TargetWindow()));
    return window;
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
