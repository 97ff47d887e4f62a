// The broker benchmark's plan (scripts/bench/broker.ts): how rows are read, who serves which
// consumers, how many requests it keeps in flight, and how its lines read in `npm run bench`.
// Nothing is timed here; the benchmark itself is `npm run bench -- --only broker`.
import { describe, expect, it } from "vitest";
import { consumersOfProducer, inflightFor, parsePrefetch, parseRows, prefetchOf, summaryLines, turns } from "../../scripts/bench/broker.js";

describe("the broker benchmark's plan", () => {
  it("reads rows as P producers × C consumers each", () => {
    expect(parseRows("1x2,2x2, 2×4 ,4x4")).toEqual([
      { producers: 1, perProducer: 2 },
      { producers: 2, perProducer: 2 },
      { producers: 2, perProducer: 4 },
      { producers: 4, perProducer: 4 },
    ]);
    expect(() => parseRows("2x")).toThrow(/not PxC/);
    expect(() => parseRows("0x2")).toThrow(/not PxC/);
  });

  it("gives each producer consumers of its own", () => {
    const layout = { producers: 2, perProducer: 4 };
    expect([0, 1].map((p) => consumersOfProducer(layout, p))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  it("keeps every consumer busy with one more waiting, plus every prefetch window full", () => {
    // 2×4: 8 consumers; the producers' default prefetch is 2 × 4 each.
    expect(prefetchOf({ producers: 2, perProducer: 4 }, undefined)).toBe(8);
    expect(inflightFor({ producers: 2, perProducer: 4 }, undefined)).toBe(2 * 8 + 2 * 8);
    expect(inflightFor({ producers: 1, perProducer: 2 }, parsePrefetch("16"))).toBe(2 * 2 + 16);
    expect(prefetchOf({ producers: 4, perProducer: 4 }, parsePrefetch("4x"))).toBe(16);
    expect(() => parsePrefetch("0")).toThrow(/--prefetch/);
  });

  it("alternates the variants' order from round to round", () => {
    expect([0, 1, 2].map((round) => turns(["a", "b"], round))).toEqual([
      ["a", "b"],
      ["b", "a"],
      ["a", "b"],
    ]);
  });

  it("says each row against its goal in the combined table", () => {
    const row = (overIdeal: number) => ({
      layout: { producers: 2, perProducer: 2 },
      consumers: 4,
      prefetch: 4,
      inflight: 16,
      ideal: 200,
      loadAvg: 1,
      tasksPerS: overIdeal * 200,
      directPerS: 196,
      p50Ms: 40,
      overIdeal,
      directOverIdeal: 0.98,
      producerCpuUsPerTask: 500,
      brokerCpuUsPerTask: 300,
      clientCpuUsPerTask: 400,
      errors: 0,
    });
    const side = { callsPerS: 900, p50Ms: 10, producerCpuUsPerTask: 400, errors: 0 };
    const lines = summaryLines([row(0.95), row(0.5)], { consumers: 2, inflight: 16, command: "x", loadAvg: 1, amqp: { ...side, callsPerS: 810, brokerCpuUsPerTask: 200 }, local: side, ratio: 0.9 });
    expect(lines.map((l) => [l.measure, l.value, l.goal, l.met])).toEqual([
      ["broker scale 2×2: sleep 20 tasks/s over ideal 200/s", "0.95 (190/s; direct 0.98)", "≥ 0.9", true],
      ["broker scale 2×2: sleep 20 tasks/s over ideal 200/s", "0.50 (100/s; direct 0.98)", "≥ 0.9", false],
      ["broker overhead, fib 1000, 2 consumers, 16 in flight: RabbitMQ / local", "0.90 (810 vs 900/s)", "≥ 0.8", true],
    ]);
  });
});
