import * as hdr from "hdr-histogram-js";
import type { Percentiles } from "../dispatch/events.js";

/**
 * Latencies in milliseconds, kept in an HDR histogram (3 significant digits, microsecond
 * resolution): percentiles in constant memory, however long the run.
 */
export class LatencyHistogram {
  // Sized to the largest latency seen so far (a few buckets per doubling), not to an hour up
  // front: there is one per target in the ledger and in the live stats, and at ~92 KiB each an
  // hour's range cost 6 MB of the producer's RSS with 32 targets. Same buckets, same percentiles.
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    autoResize: true,
    numberOfSignificantValueDigits: 3,
  });

  get count(): number {
    return this.histogram.totalCount;
  }

  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  /** The latency at `percentile` (0..100) in ms, or `null` when nothing was recorded. */
  at(percentile: number): number | null {
    if (this.histogram.totalCount === 0) return null;
    // HDR reports the top of a value's bucket; never above the largest value actually seen.
    return round(Math.min(this.histogram.getValueAtPercentile(percentile), this.histogram.maxValue) / 1000);
  }

  percentiles(): Percentiles {
    return { p50: this.at(50), p95: this.at(95), p99: this.at(99), max: this.max() };
  }

  max(): number | null {
    return this.histogram.totalCount === 0 ? null : round(this.histogram.maxValue / 1000);
  }

  /** Adds `other`'s latencies to these: the same as recording each of them here. */
  add(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
  }

  reset(): void {
    this.histogram.reset();
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
