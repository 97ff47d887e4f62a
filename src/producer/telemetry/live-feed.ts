/**
 * The live page's figures (GET / and GET /events of --http and --dashboard): made and completed
 * per second, the queue, calls in flight, per consumer whether it is up, its busy share and its
 * latency, the run's totals and its most recent failures. Learnt from the producer's events like
 * the live stats (it has a `LiveStats` of its own), and sampled every second by its own sampler:
 * the page moves every second whatever `--stats-every` is (even 0), and the log's `stats` lines
 * are not doubled by it.
 */
import type { ProducerEvent, TargetStats } from "../dispatch/events.js";
import type { Gauges, Sampler } from "../dispatch/producer.js";
import { LiveStats } from "./stats.js";

/** One final failure, as the page lists it. */
export interface RecentFailure {
  /** ISO 8601, when it failed. */
  readonly time: string;
  readonly id: number;
  /** `null` for a task never sent. */
  readonly target: string | null;
  readonly reason: string;
  /** The error, cut to {@link FAILURE_CHARS} characters. */
  readonly error: string;
  readonly attempt: number;
}

/** What the page shows; one of these is one event of the stream (PROTOCOL §6, "the live page"). */
export interface LiveFigures {
  /** ISO 8601, when the figures were taken. */
  readonly time: string;
  /** `stopping` from the first SIGINT/SIGTERM on: no new tasks, the calls in flight finish. */
  readonly state: "running" | "stopping";
  /** Seconds between two figures. */
  readonly every_s: number;
  readonly queue_depth: number;
  readonly in_flight: number;
  /** Over the last `every_s`, like the `stats` event's. */
  readonly produced_per_s: number;
  readonly completed_per_s: number;
  /** Since the start: tasks made, and tasks that reached each final state. */
  readonly produced: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly per_target: Readonly<Record<string, TargetStats>>;
  /** The last {@link RECENT_FAILURES} final failures, newest first. */
  readonly recent_failures: readonly RecentFailure[];
}

/** The figures of the last minute, oldest first, for a page's charts when it opens. */
export interface LiveHistory {
  readonly queue_depth: readonly number[];
  readonly produced_per_s: readonly number[];
  readonly completed_per_s: readonly number[];
}

export const RECENT_FAILURES = 10;
/** Figures kept for {@link LiveHistory}: a minute's, at one a second. */
export const HISTORY_LENGTH = 60;
export const FAILURE_CHARS = 200;

export type LiveListener = (json: string) => void;

export class LiveFeed {
  private readonly stats: LiveStats;
  private readonly failures: RecentFailure[] = [];
  private produced = 0;
  private succeeded = 0;
  private failed = 0;
  private state: LiveFigures["state"] = "running";
  private latest: LiveFigures;
  private latestJson: string;
  private listeners: LiveListener[] = [];
  private readonly history = { queue_depth: [] as number[], produced_per_s: [] as number[], completed_per_s: [] as number[] };
  /** Takes the figures every `every` seconds; the producer runs it with its other samplers. */
  readonly sampler: Sampler;

  constructor(
    targets: readonly string[],
    readonly every = 1,
    now: () => number = () => performance.now(),
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.stats = new LiveStats(targets, now);
    const perTarget: Record<string, TargetStats> = {};
    for (const target of targets) perTarget[target] = { up: true, busy_share: 0, completed: 0, completed_total: 0, p50: null, p95: null };
    this.latest = this.figures({ event: "stats", queue_depth: 0, in_flight: 0, produced_per_s: 0, completed_per_s: 0, per_target: perTarget });
    this.latestJson = JSON.stringify(this.latest);
    this.sampler = { name: "live page", every, sample: (gauges) => this.sample(gauges) };
  }

  /** Learns from one producer event. */
  observe(event: ProducerEvent): void {
    this.stats.observe(event);
    switch (event.event) {
      case "task_queued":
        this.produced++;
        return;
      case "task_done":
        this.succeeded++;
        return;
      case "task_failed":
        if (!event.final) return;
        this.failed++;
        this.failures.unshift({
          time: this.clock().toISOString(),
          id: event.id,
          target: event.target,
          reason: event.reason,
          error: event.error.slice(0, FAILURE_CHARS),
          attempt: event.attempt,
        });
        if (this.failures.length > RECENT_FAILURES) this.failures.length = RECENT_FAILURES;
        return;
      case "shutdown":
        this.state = "stopping";
        return;
      default:
        return;
    }
  }

  /** The latest figures. */
  current(): LiveFigures {
    return this.latest;
  }

  /** The latest figures as JSON (made once per sample, however many pages watch). */
  currentJson(): string {
    return this.latestJson;
  }

  /**
   * The queue and rates of up to {@link HISTORY_LENGTH} figures before the current one, oldest
   * first: what a page opened now has missed (it gets the current figures next).
   */
  recent(): LiveHistory {
    const { queue_depth, produced_per_s, completed_per_s } = this.history;
    return { queue_depth: queue_depth.slice(0, -1), produced_per_s: produced_per_s.slice(0, -1), completed_per_s: completed_per_s.slice(0, -1) };
  }

  /** Calls `listener` with each new figures' JSON; returns the way to stop. */
  subscribe(listener: LiveListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Takes the figures now (the sampler does, every `every` seconds) and tells every listener. */
  sample(gauges: Gauges): LiveFigures {
    this.latest = this.figures(this.stats.snapshot(gauges.queueDepth, gauges.inFlight, (target) => gauges.isUp(target)));
    this.latestJson = JSON.stringify(this.latest);
    for (const key of ["queue_depth", "produced_per_s", "completed_per_s"] as const) {
      const values = this.history[key];
      values.push(this.latest[key]);
      if (values.length > HISTORY_LENGTH + 1) values.shift(); // the current one, and those before it
    }
    for (const listener of this.listeners) listener(this.latestJson);
    return this.latest;
  }

  private figures(stats: Extract<ProducerEvent, { event: "stats" }>): LiveFigures {
    const { event: _event, ...rates } = stats;
    return {
      time: this.clock().toISOString(),
      state: this.state,
      every_s: this.every,
      ...rates,
      produced: this.produced,
      succeeded: this.succeeded,
      failed: this.failed,
      recent_failures: [...this.failures],
    };
  }
}
