import * as hdr from "hdr-histogram-js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../../../src/producer/telemetry/latency.js";

describe("LatencyHistogram", () => {
  it("has no percentiles before the first latency", () => {
    expect(new LatencyHistogram().percentiles()).toEqual({ p50: null, p95: null, p99: null, max: null });
  });

  it("gives percentiles within 0.1 % of the exact ones, from microseconds to over an hour", () => {
    const latency = new LatencyHistogram();
    const values = [0.004, 0.25, 1, 3.7, 12, 250, 5_000, 30_000, 3_600_000, 4_000_000];
    for (const ms of values) latency.record(ms);
    expect(latency.count).toBe(values.length);
    expect(latency.max()).toBe(4_000_000);
    expect(latency.at(50)).toBeCloseTo(12, 1);
    expect(Math.abs(latency.at(80)! - 30_000) / 30_000).toBeLessThan(0.001);
    expect(latency.at(100)).toBe(4_000_000);
  });

  it("gives the same percentiles as a histogram sized for an hour up front", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 3_600_000, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const latency = new LatencyHistogram();
        const reference = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
        for (const ms of values) {
          latency.record(ms);
          reference.recordValue(Math.max(1, Math.round(ms * 1000)));
        }
        for (const p of [50, 95, 99, 100]) {
          const expected = Math.round((Math.min(reference.getValueAtPercentile(p), reference.maxValue) / 1000) * 100) / 100;
          expect(latency.at(p)).toBe(expected);
        }
      }),
    );
  });

  it("starts afresh after reset", () => {
    const latency = new LatencyHistogram();
    latency.record(900_000);
    latency.reset();
    latency.record(2);
    expect(latency.percentiles()).toEqual({ p50: 2, p95: 2, p99: 2, max: 2 });
  });
});
