// Load profiles: each gap function has the intended mean and shape for a fixed seed, and the
// payload keeps to the schedule on the real loop.
import { describe, expect, it } from "vitest";
import { Queue } from "../../../src/loop/index.js";
import { clientPayload, TaskSource } from "../../../src/producer/intake/payload.js";
import {
  FASTEST,
  gapFunction,
  loadProfile,
  ProfileError,
  profileRate,
  SLOWEST,
  uniform,
  type GapFunction,
  type LoadProfile,
} from "../../../src/producer/intake/profiles.js";
import type { RpcTask } from "../../../src/producer/dispatch/rpc-task.js";
import { runValue } from "../../loop/run-loop.js";

const gaps = (gap: GapFunction, count: number): number[] => Array.from({ length: count }, (_, i) => gap(i));
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const mean = (values: readonly number[]): number => sum(values) / values.length;
/** Arrival times: task 0 at 0, task k after the first k gaps. */
const arrivals = (gap: GapFunction, count: number): number[] => {
  const times = [0];
  for (let i = 0; i < count - 1; i++) times.push(times[i]! + gap(i));
  return times;
};

describe("constant", () => {
  it("waits --interval after every task", () => {
    expect(new Set(gaps(gapFunction({ kind: "constant" }, 0.25, 0), 100))).toEqual(new Set([0.25]));
  });
});

describe("poisson", () => {
  const gap = gapFunction({ kind: "poisson" }, 0.5, 42);
  const sample = gaps(gap, 20_000);

  it("has exponential gaps with mean --interval: mean, spread and tail as the distribution says", () => {
    expect(mean(sample)).toBeGreaterThan(0.5 * 0.97);
    expect(mean(sample)).toBeLessThan(0.5 * 1.03);
    // An exponential's standard deviation equals its mean …
    const sd = Math.sqrt(mean(sample.map((g) => (g - mean(sample)) ** 2)));
    expect(sd / mean(sample)).toBeGreaterThan(0.95);
    expect(sd / mean(sample)).toBeLessThan(1.05);
    // … and P(gap > t) = e^(−t/mean): about 36.8 % beyond the mean, 5 % beyond three times it.
    const beyond = (t: number): number => sample.filter((g) => g > t).length / sample.length;
    expect(beyond(0.5)).toBeCloseTo(Math.exp(-1), 1);
    expect(beyond(1.5)).toBeCloseTo(Math.exp(-3), 1);
    expect(Math.min(...sample)).toBeGreaterThan(0);
  });

  it("is the same for the same seed, in any order of asking, and differs for another seed", () => {
    const again = gapFunction({ kind: "poisson" }, 0.5, 42);
    expect([again(7), again(3), again(0)]).toEqual([sample[7], sample[3], sample[0]]);
    expect(gaps(gapFunction({ kind: "poisson" }, 0.5, 43), 50)).not.toEqual(sample.slice(0, 50));
  });

  it("draws from a stream of its own, not the task stream's faker: the tasks for a seed do not depend on the profile", () => {
    const source = new TaskSource({ interval: 0.5, fibShare: 0.5, fibMin: 1, fibMax: 9, seed: 42 });
    const before = Array.from({ length: 20 }, () => source.next().command);
    gaps(gapFunction({ kind: "poisson" }, 0.5, 42), 100);
    const fresh = new TaskSource({ interval: 0.5, fibShare: 0.5, fibMin: 1, fibMax: 9, seed: 42 });
    expect(Array.from({ length: 20 }, () => fresh.next().command)).toEqual(before);
  });

  it("uses uniform numbers strictly between 0 and 1, for any seed, negative and large ones too", () => {
    for (const seed of [0, 1, -1, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      const values = Array.from({ length: 2000 }, (_, i) => uniform(seed, i));
      expect(values.every((u) => u > 0 && u < 1)).toBe(true);
      expect(mean(values)).toBeCloseTo(0.5, 1);
    }
    expect(uniform(2 ** 40 + 3, 5)).not.toBe(uniform(3, 5));
  });
});

describe("burst", () => {
  it("sends --burst-size tasks back to back, then pauses burst-size × interval: the mean gap stays --interval", () => {
    const sample = gaps(gapFunction({ kind: "burst", burstSize: 5 }, 0.2, 0), 50);
    expect(sample.slice(0, 10)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(mean(sample)).toBeCloseTo(0.2, 12);
  });

  it("is the constant profile when a burst is one task", () => {
    expect(new Set(gaps(gapFunction({ kind: "burst", burstSize: 1 }, 0.2, 0), 10))).toEqual(new Set([0.2]));
  });
});

describe("sine", () => {
  const profile: LoadProfile = { kind: "sine", period: 10 };
  const interval = 0.05; // 200 tasks per period

  it("makes exactly period / interval tasks in each whole period", () => {
    const times = arrivals(gapFunction(profile, interval, 0), 601);
    expect(times[200]).toBeCloseTo(10, 9);
    expect(times[400]).toBeCloseTo(20, 9);
    expect(times[600]).toBeCloseTo(30, 9);
  });

  it("starts at its slowest (0.2× the mean rate), is fastest (1.8×) at half a period, and slow again at a whole one", () => {
    const gap = gapFunction(profile, interval, 0);
    const times = arrivals(gap, 401);
    const rateAt = (t: number): number => {
      const i = times.findIndex((time) => time >= t);
      return 1 / gap(i);
    };
    expect(rateAt(0) / 20).toBeCloseTo(SLOWEST, 1);
    expect(rateAt(5) / 20).toBeCloseTo(FASTEST, 1);
    expect(rateAt(10) / 20).toBeCloseTo(SLOWEST, 1);
    // Between, it follows the profile's rate curve: each gap is the rate's reciprocal at its middle.
    for (let i = 0; i < 400; i++) {
      const middle = (times[i]! + times[i + 1]!) / 2;
      expect(1 / gap(i) / profileRate(profile, interval, middle)).toBeCloseTo(1, 1);
    }
  });

  it("puts most tasks in the middle of the period: the first and last quarters hold far fewer than the middle half", () => {
    const times = arrivals(gapFunction(profile, interval, 0), 200);
    const within = (from: number, to: number): number => times.filter((t) => t >= from && t < to).length;
    expect(within(0, 2.5) + within(7.5, 10)).toBeLessThan(within(2.5, 7.5) / 3);
  });
});

describe("ramp", () => {
  it("climbs from 0.2× to 1.8× the mean rate over its length, with exactly length / interval tasks in it", () => {
    const profile: LoadProfile = { kind: "ramp", length: 20 };
    const gap = gapFunction(profile, 0.1, 0); // 200 tasks over the ramp
    const times = arrivals(gap, 260);
    expect(times[200]).toBeCloseTo(20, 9);
    expect(gap(0)).toBeCloseTo(0.1 / SLOWEST, 1);
    expect(gap(199)).toBeCloseTo(0.1 / FASTEST, 2);
    const sample = gaps(gap, 200);
    for (let i = 1; i < sample.length; i++) expect(sample[i]).toBeLessThanOrEqual(sample[i - 1]! + 1e-12);
    // After the ramp it holds the fastest rate.
    expect(new Set(gaps(gap, 260).slice(201).map((g) => g.toFixed(9)))).toEqual(new Set([(0.1 / FASTEST).toFixed(9)]));
  });

  it("spans the run: --duration, or --tasks × --interval, the shorter when both are given", () => {
    const base = { burstSize: 10, period: 20, interval: 0.5 };
    expect(loadProfile("ramp", { ...base, duration: 30, tasks: undefined })).toEqual({ kind: "ramp", length: 30 });
    expect(loadProfile("ramp", { ...base, duration: undefined, tasks: 100 })).toEqual({ kind: "ramp", length: 50 });
    expect(loadProfile("ramp", { ...base, duration: 30, tasks: 100 })).toEqual({ kind: "ramp", length: 30 });
    expect(() => loadProfile("ramp", { ...base, duration: undefined, tasks: undefined })).toThrow(ProfileError);
  });
});

describe("every profile", () => {
  const profiles: LoadProfile[] = [
    { kind: "constant" },
    { kind: "poisson" },
    { kind: "burst", burstSize: 4 },
    { kind: "sine", period: 3 },
    { kind: "ramp", length: 6 },
  ];

  it.each(profiles)("$kind: gaps are never negative, and 0 when --interval is 0", (profile) => {
    expect(gaps(gapFunction(profile, 0.05, 9), 500).every((g) => g >= 0 && Number.isFinite(g))).toBe(true);
    expect(new Set(gaps(gapFunction(profile, 0, 9), 50))).toEqual(new Set([0]));
  });

  it.each(profiles)("$kind: the mean gap over a long stretch is --interval", (profile) => {
    // 120 tasks at 0.05 s: whole periods of the sine (3 s = 60 tasks), the whole ramp (6 s), whole bursts.
    const sample = gaps(gapFunction(profile, 0.05, 9), profile.kind === "poisson" ? 20_000 : 120);
    expect(mean(sample) / 0.05).toBeCloseTo(1, profile.kind === "poisson" ? 1 : 6);
  });
});

describe("the payload on the real loop", () => {
  it("keeps to the profile's schedule: timers that fire late do not add up to a slower rate", async () => {
    const queue = new Queue<RpcTask>(1000);
    const interval = 0.002;
    const tasks = 300;
    const started = performance.now();
    await runValue(() =>
      clientPayload(
        queue,
        { interval, fibShare: 0.5, fibMin: 1, fibMax: 5, seed: 0, tasks, gap: gapFunction({ kind: "constant" }, interval, 0) },
        { produced: () => {}, blocked: () => {}, unblocked: () => {}, dropped: () => {} },
      ),
    );
    const elapsed = (performance.now() - started) / 1000;
    expect(queue.size).toBe(tasks);
    // 299 gaps of 2 ms: 0.598 s. Sleeping gap by gap took about 19 % longer (timers fire a little
    // late, every time); waiting for each task's due time ends on schedule.
    const schedule = (tasks - 1) * interval;
    expect(elapsed).toBeGreaterThanOrEqual(schedule * 0.99);
    expect(elapsed).toBeLessThan(schedule + 0.06);
  });
});
