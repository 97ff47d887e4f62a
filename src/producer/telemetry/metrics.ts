/**
 * The producer's figures in the Prometheus text exposition format 0.0.4, for `GET /metrics`
 * (PROTOCOL §6): tasks by final state and reason, queue depth, calls in flight, and per target
 * whether it is up and a histogram of its call latency. It listens to dispatch's events, like the
 * logs and the live stats, and renders on demand.
 *
 * Format: https://prometheus.io/docs/instrumenting/exposition_formats/ — `# HELP` and `# TYPE`
 * once per family, then `name{label="value"} number` lines; a histogram has cumulative
 * `_bucket{le="…"}` lines ending with `le="+Inf"`, then `_sum` and `_count`.
 */
import type { ProducerEvent } from "../dispatch/events.js";

/** Upper bounds of the latency buckets, in seconds: from a ping on loopback to a slow F(10⁶). */
export const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** The figures that are states rather than events: read when the page is asked for. */
export interface MetricsGauges {
  readonly queueDepth: number;
  readonly inFlight: number;
}

/** A Prometheus histogram with fixed buckets: counts per bucket (not cumulative), sum and count. */
class BucketHistogram {
  readonly counts = new Array<number>(LATENCY_BUCKETS_S.length + 1).fill(0);
  sum = 0;
  count = 0;

  record(seconds: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS_S.length && seconds > LATENCY_BUCKETS_S[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }
}

interface TargetFigures {
  up: boolean;
  readonly latency: BucketHistogram;
}

export class ProducerMetrics {
  /** `succeeded` or `failed|<reason>` → tasks that reached that final state. */
  private readonly finals = new Map<string, number>();
  private readonly targets = new Map<string, TargetFigures>();

  constructor(targets: readonly string[]) {
    for (const target of targets) this.target(target);
  }

  /** Takes one of dispatch's events; the others are ignored. */
  observe(event: ProducerEvent): void {
    switch (event.event) {
      case "task_done":
        this.count("succeeded");
        this.target(event.target).latency.record(event.latency_ms / 1000);
        break;
      case "task_failed":
        if (event.final) this.count(`failed|${event.reason}`);
        break;
      case "target_down":
        this.target(event.target).up = false;
        break;
      case "target_up":
        this.target(event.target).up = true;
        break;
      default:
        break;
    }
  }

  /** The whole page, ending with a newline. */
  render(gauges: MetricsGauges): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };

    family("rpc_tasks_total", "counter", "Tasks that reached a final state, by state and, for failures, reason.");
    if (!this.finals.has("succeeded")) lines.push(`rpc_tasks_total{state="succeeded"} 0`);
    for (const [key, count] of [...this.finals].sort(([a], [b]) => a.localeCompare(b))) {
      const [state, reason] = key.split("|", 2) as [string, string | undefined];
      lines.push(`rpc_tasks_total${labels({ state, ...(reason === undefined ? {} : { reason }) })} ${count}`);
    }

    family("rpc_queue_depth", "gauge", "Tasks waiting in the producer's queue.");
    lines.push(`rpc_queue_depth ${gauges.queueDepth}`);
    family("rpc_calls_in_flight", "gauge", "Calls sent to a consumer and not yet answered.");
    lines.push(`rpc_calls_in_flight ${gauges.inFlight}`);

    family("rpc_target_up", "gauge", "1 when the consumer is up (answers), 0 when it is marked down.");
    for (const [target, figures] of this.targets) lines.push(`rpc_target_up${labels({ target })} ${figures.up ? 1 : 0}`);

    family("rpc_call_latency_seconds", "histogram", "Latency of successful calls, per consumer.");
    for (const [target, { latency }] of this.targets) {
      let cumulative = 0;
      LATENCY_BUCKETS_S.forEach((bound, i) => {
        cumulative += latency.counts[i]!;
        lines.push(`rpc_call_latency_seconds_bucket${labels({ target, le: String(bound) })} ${cumulative}`);
      });
      lines.push(`rpc_call_latency_seconds_bucket${labels({ target, le: "+Inf" })} ${latency.count}`);
      lines.push(`rpc_call_latency_seconds_sum${labels({ target })} ${latency.sum}`);
      lines.push(`rpc_call_latency_seconds_count${labels({ target })} ${latency.count}`);
    }
    return lines.join("\n") + "\n";
  }

  private count(key: string): void {
    this.finals.set(key, (this.finals.get(key) ?? 0) + 1);
  }

  private target(name: string): TargetFigures {
    let figures = this.targets.get(name);
    if (figures === undefined) {
      figures = { up: true, latency: new BucketHistogram() };
      this.targets.set(name, figures);
    }
    return figures;
  }
}

/** `{a="1",b="2"}`, each value escaped as the format says (backslash, double quote, newline). */
function labels(pairs: Readonly<Record<string, string>>): string {
  const body = Object.entries(pairs)
    .map(([name, value]) => `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");
  return `{${body}}`;
}
