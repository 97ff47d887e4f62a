/**
 * The producer's events (PROTOCOL §4, §6): one typed stream (event-stream.ts). In JSON mode each is
 * one line, `{ time, event, ... }`; in text mode the same information, laid out for a person
 * (src/producer/telemetry/). Dispatch emits the task, target, queue and shutdown events; the
 * `stats` and `summary` events come from the telemetry listening to them.
 */
import type { ClientName } from "./rpc-task.js";

export interface Percentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface TargetStats {
  readonly up: boolean;
  /** Fraction of the interval with a call in flight, 0..1. */
  readonly busy_share: number;
  /** Calls that succeeded in the interval. */
  readonly completed: number;
  readonly completed_total: number;
  readonly p50: number | null;
  readonly p95: number | null;
}

export interface TargetSummary {
  readonly succeeded: number;
  readonly failed: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface HandlerSummary extends TargetSummary {
  readonly count: number;
}

export interface Summary {
  readonly produced: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Tasks that reached no final state. Always 0: anything else is a bug. */
  readonly lost: number;
  readonly duration_s: number;
  readonly throughput_per_s: number;
  readonly latency_ms: Percentiles;
  readonly per_target: Readonly<Record<string, TargetSummary>>;
  readonly per_handler: Readonly<Record<string, HandlerSummary>>;
  /** Final failures by reason (`refused`, `bad_argument`, `no_consumer`, `shutdown`, …). */
  readonly failures: Readonly<Record<string, number>>;
}

export type ProducerEvent =
  | {
      readonly event: "started";
      readonly targets: readonly string[];
      readonly options: Readonly<Record<string, string | number | boolean | null>>;
    }
  | {
      readonly event: "task_queued";
      readonly id: number;
      readonly handler: string;
      readonly method: string;
      readonly command: string;
      readonly queue_depth: number;
      /** The intake it came from: `payload`, `listen`, `http`, `amqp`. */
      readonly source: string;
      /** The client, for a network intake (`host:port`, or the AMQP `reply_to`); print it with `String()`. */
      readonly client?: ClientName;
      /** `--amqp`: the broker delivered this message before (a producer died holding it). */
      readonly redelivered?: boolean;
    }
  | { readonly event: "task_sent"; readonly id: number; readonly target: string; readonly attempt: number }
  | {
      readonly event: "task_done";
      readonly id: number;
      readonly target: string;
      /** The reply without its `\n`: its first 200 characters, nothing appended. */
      readonly result: string;
      readonly latency_ms: number;
      readonly attempt: number;
    }
  | {
      readonly event: "task_failed";
      readonly id: number;
      /** `null` for a task that was never sent. */
      readonly target: string | null;
      readonly error: string;
      /** A short word for the cause: `refused`, `timeout`, `bad_argument`, `no_consumer`, `shutdown`, … */
      readonly reason: string;
      readonly attempt: number;
      /** True when it will not be retried. */
      readonly final: boolean;
    }
  | { readonly event: "target_down"; readonly target: string; readonly reason: string }
  | { readonly event: "target_up"; readonly target: string; readonly down_s: number }
  /** The last target up went down: queued tasks fail with `no_consumer` after `queue_timeout_s` unless one comes back. */
  | { readonly event: "no_target_up"; readonly queue_timeout_s: number }
  /** A front door is open: `intake` is `listen` or `http`, `address` the one bound (`127.0.0.1:8000`). */
  | { readonly event: "front_door"; readonly intake: string; readonly address: string }
  /** The live page is served at `url` (`http://127.0.0.1:8080/`), by the `--http` door or the `--dashboard`. */
  | { readonly event: "live_page"; readonly url: string; readonly door: "http" | "dashboard" }
  /** A front door met an error and goes on (a failed accept: too many open files, …). */
  | { readonly event: "front_door_error"; readonly intake: string; readonly address: string; readonly error: string }
  /** `--amqp`: connected to the broker (`url` without the password), consuming the task queue. */
  | { readonly event: "broker_up"; readonly url: string }
  /** `--amqp`: the broker is lost (or could not be reached); reconnecting with capped back-off. */
  | { readonly event: "broker_down"; readonly reason: string }
  | { readonly event: "queue_full"; readonly queue_limit: number }
  | { readonly event: "queue_has_room"; readonly blocked_s: number }
  | { readonly event: "shutdown"; readonly signal: string; readonly queued: number; readonly in_flight: number; readonly forced: boolean }
  | {
      readonly event: "stats";
      readonly queue_depth: number;
      readonly in_flight: number;
      readonly produced_per_s: number;
      readonly completed_per_s: number;
      readonly per_target: Readonly<Record<string, TargetStats>>;
    }
  | ({ readonly event: "summary" } & Summary)
  /** The HTML report was written (`--report`); `path` is absolute. */
  | { readonly event: "report"; readonly path: string };

export type EventName = ProducerEvent["event"];

/** Where dispatch sends its events. */
export type Emit = (event: ProducerEvent) => void;
