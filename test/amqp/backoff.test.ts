// The delays between reconnection attempts: exponential, capped, jittered.
import { describe, expect, it } from "vitest";
import { backoff } from "../../src/amqp/index.js";

function first(n: number, delays: Generator<number>): number[] {
  return Array.from({ length: n }, () => delays.next().value as number);
}

describe("backoff", () => {
  it("doubles from 0.1 s up to a cap of 5 s", () => {
    expect(first(9, backoff({ jitter: 0 }))).toEqual([0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5, 5, 5]);
  });

  it("shortens each delay by up to the jitter fraction, so producers do not reconnect in step", () => {
    const delays = first(3, backoff({ initial: 1, max: 1, jitter: 0.5, random: () => 1 }));
    expect(delays).toEqual([0.5, 0.5, 0.5]);
    for (const delay of first(100, backoff({ initial: 1, max: 1 }))) {
      expect(delay).toBeGreaterThan(0.8 - 1e-9);
      expect(delay).toBeLessThanOrEqual(1);
    }
  });

  it("refuses settings that would never back off or never wait", () => {
    expect(() => backoff({ initial: 0 }).next()).toThrow(RangeError);
    expect(() => backoff({ initial: 2, max: 1 }).next()).toThrow(/0 < initial <= max/);
    expect(() => backoff({ factor: 0.5 }).next()).toThrow(RangeError);
    expect(() => backoff({ jitter: 1 }).next()).toThrow(RangeError);
  });
});
