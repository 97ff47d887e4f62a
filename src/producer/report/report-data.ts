/**
 * What the HTML report is drawn from, collected during the run. The recorder listens to the
 * producer's events, as the log does, so the report sees exactly the events the log shows: a task
 * in the report is a `task_done` in the log, with the same id, target and latency. It samples the
 * producer's gauges on a fixed small interval besides (it is a `Sampler`), with the running
 * counts, so the report can draw depth and rates over time without keeping an entry per queued
 * task.
 *
 * Memory stays bounded on long runs: past a limit, a series keeps every other point and from
 * then on records every 2nd (then 4th, …) one; `sampling` in the data says by how much.
 */
import type { ProducerEvent, Summary } from "../dispatch/events.js";
import type { Gauges, Sampler } from "../dispatch/producer.js";
import type { LoadProfile } from "../intake/profiles.js";
import type { LoopData } from "./loop-windows.js";

/** A task that succeeded: times in seconds since the run started. */
export interface ReportTask {
  readonly id: number;
  readonly target: string;
  readonly handler: string;
  /** When the payload made it. */
  readonly queued_s: number;
  /** When the call that succeeded was sent. */
  readonly sent_s: number;
  /** When its reply came. */
  readonly done_s: number;
  /** The call's latency, as in its `task_done` event. */
  readonly latency_ms: number;
  readonly attempt: number;
}

/** A `task_failed` event (final or to be retried). */
export interface ReportFailure {
  readonly id: number;
  readonly target: string | null;
  readonly reason: string;
  readonly at_s: number;
  readonly final: boolean;
}

/** The queue and the running counts at one moment. */
export interface QueueSample {
  readonly at_s: number;
  readonly depth: number;
  readonly in_flight: number;
  /** Tasks made so far. */
  readonly produced: number;
  /** Tasks that succeeded so far. */
  readonly completed: number;
  /** Tasks that failed for good so far. */
  readonly failed: number;
}

/** A target going down or coming back. */
export interface TargetChange {
  readonly at_s: number;
  readonly target: string;
  readonly up: boolean;
  readonly reason: string | null;
}

/** Everything the report shows; embedded in the HTML as JSON, so a program can check it. */
export interface ReportData {
  readonly version: 1;
  /** Wall-clock start of the run, ISO 8601. */
  readonly started_at: string;
  readonly targets: readonly string[];
  readonly options: Readonly<Record<string, string | number | boolean | null>>;
  readonly profile: LoadProfile;
  /** The mean gap between tasks, seconds. */
  readonly interval: number;
  readonly tasks: readonly ReportTask[];
  readonly failures: readonly ReportFailure[];
  readonly queue: readonly QueueSample[];
  readonly target_changes: readonly TargetChange[];
  /** 1 when every point was kept; n when a series kept one point in n (a long run). */
  readonly sampling: { readonly tasks: number; readonly queue: number; readonly failures: number };
  readonly summary: Summary;
  /** The loop's swimlanes (loop-windows.ts), from the recording of the loop; `null` when none was made. */
  readonly loop: LoopData | null;
}

/** What the recorder needs to know about the run beyond its events. */
export interface RunDescription {
  readonly targets: readonly string[];
  readonly options: Readonly<Record<string, string | number | boolean | null>>;
  readonly profile: LoadProfile;
  readonly interval: number;
}

/** Most tasks the report keeps before it starts thinning them. */
export const MAX_TASKS = 50_000;
/** Most queue samples (10 a second: over half an hour) before thinning. */
export const MAX_QUEUE_SAMPLES = 20_000;
/** Most `task_failed` events kept before thinning. */
export const MAX_FAILURES = 20_000;

/** A list that keeps at most `limit` points: when full, it drops every other one and records every 2nd from then on. */
class ThinningSeries<T> {
  readonly items: T[] = [];
  stride = 1;
  private seen = 0;

  constructor(private readonly limit: number) {}

  push(item: T): void {
    if (this.seen++ % this.stride !== 0) return;
    this.items.push(item);
    if (this.items.length >= this.limit) {
      const kept = this.items.filter((_, i) => i % 2 === 0);
      this.items.splice(0, this.items.length, ...kept);
      this.stride *= 2;
    }
  }
}

interface Pending {
  readonly handler: string;
  readonly queuedAt: number;
  sentAt: number;
}

/**
 * Records what the report needs from the events and the gauges.
 *
 * @example
 * const recorder = new ReportRecorder(run);
 * events.subscribe((event) => recorder.observe(event));
 * const producer = new Producer(options, intakes, events.emit, [recorder]);
 * // at the end:
 * writeReport(path, recorder.data(summary, producer.queueDepth, producer.inFlight));
 */
export class ReportRecorder implements Sampler {
  /** Seconds between two queue samples. */
  readonly name = "report sampler";
  readonly every = 0.1;
  private readonly start: number;
  private readonly startedAt = new Date().toISOString();
  private readonly pending = new Map<number, Pending>();
  private readonly tasks = new ThinningSeries<ReportTask>(MAX_TASKS);
  private readonly failures = new ThinningSeries<ReportFailure>(MAX_FAILURES);
  private readonly samples = new ThinningSeries<QueueSample>(MAX_QUEUE_SAMPLES);
  private readonly changes: TargetChange[] = [];
  private produced = 0;
  private completed = 0;
  private failed = 0;

  constructor(
    private readonly run: RunDescription,
    /** Milliseconds, monotonic; injectable for tests. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
    this.samples.push(this.snapshot(0, 0)); // the run's start: nothing queued, nothing in flight
  }

  /** Learns from one producer event. */
  observe(event: ProducerEvent): void {
    this.record(event);
  }

  /** Called by the producer every {@link every} seconds. */
  sample(gauges: Gauges): void {
    this.samples.push(this.snapshot(gauges.queueDepth, gauges.inFlight));
  }

  /** The report's data at the end of the run: the samples, one last one for the end, the summary, and the loop's windows if it was recorded. */
  data(summary: Summary, queueDepth: number, inFlight: number, loop: LoopData | null = null): ReportData {
    const end = this.snapshot(queueDepth, inFlight);
    return {
      version: 1,
      started_at: this.startedAt,
      targets: this.run.targets,
      options: this.run.options,
      profile: this.run.profile,
      interval: this.run.interval,
      tasks: this.tasks.items,
      failures: this.failures.items,
      queue: [...this.samples.items, end],
      target_changes: this.changes,
      sampling: { tasks: this.tasks.stride, queue: this.samples.stride, failures: this.failures.stride },
      summary,
      loop,
    };
  }

  private record(event: ProducerEvent): void {
    const at = this.seconds();
    switch (event.event) {
      case "task_queued":
        this.produced++;
        this.pending.set(event.id, { handler: event.handler, queuedAt: at, sentAt: at });
        return;
      case "task_sent": {
        const pending = this.pending.get(event.id);
        if (pending !== undefined) pending.sentAt = at;
        return;
      }
      case "task_done": {
        this.completed++;
        const pending = this.pending.get(event.id);
        this.pending.delete(event.id);
        this.tasks.push({
          id: event.id,
          target: event.target,
          handler: pending?.handler ?? "?",
          queued_s: pending?.queuedAt ?? at,
          sent_s: pending?.sentAt ?? at,
          done_s: at,
          latency_ms: event.latency_ms,
          attempt: event.attempt,
        });
        return;
      }
      case "task_failed":
        if (event.final) {
          this.failed++;
          this.pending.delete(event.id);
        }
        this.failures.push({ id: event.id, target: event.target, reason: event.reason, at_s: at, final: event.final });
        return;
      case "target_down":
        this.changes.push({ at_s: at, target: event.target, up: false, reason: event.reason });
        return;
      case "target_up":
        this.changes.push({ at_s: at, target: event.target, up: true, reason: null });
        return;
      default:
        return;
    }
  }

  private snapshot(depth: number, inFlight: number): QueueSample {
    return { at_s: this.seconds(), depth, in_flight: inFlight, produced: this.produced, completed: this.completed, failed: this.failed };
  }

  private seconds(): number {
    return Math.round(this.now() - this.start) / 1000;
  }
}
