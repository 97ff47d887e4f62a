import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../../../src/producer/telemetry/latency.js";
import { SummaryTally } from "../../../src/producer/telemetry/run-summary.js";

const TARGETS = ["127.0.0.1:9000", "127.0.0.1:9001"];
const HANDLERS = ["system", "fibonacci_generator"];

describe("SummaryTally", () => {
  it("gives the same percentiles overall, per target and per handler as histograms recording each latency there", () => {
    const task = fc.record({ target: fc.constantFrom(...TARGETS), handler: fc.constantFrom(...HANDLERS), ms: fc.double({ min: 0, max: 60_000, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(task, { minLength: 1, maxLength: 100 }), (tasks) => {
        const tally = new SummaryTally(TARGETS, () => 0);
        const overall = new LatencyHistogram();
        const byTarget = new Map(TARGETS.map((t) => [t, new LatencyHistogram()]));
        const byHandler = new Map(HANDLERS.map((h) => [h, new LatencyHistogram()]));
        tasks.forEach(({ target, handler, ms }, i) => {
          tally.observe({ event: "task_queued", id: i, handler, method: "m", command: `${handler} m`, queue_depth: 1, source: "payload" });
          tally.observe({ event: "task_done", id: i, target, result: "x", latency_ms: ms, attempt: 1 });
          for (const h of [overall, byTarget.get(target)!, byHandler.get(handler)!]) h.record(ms);
        });
        const summary = tally.summary();
        expect(summary.latency_ms).toEqual(overall.percentiles());
        for (const target of TARGETS) expect(summary.per_target[target]).toMatchObject(byTarget.get(target)!.percentiles());
        for (const handler of HANDLERS) {
          if (byHandler.get(handler)!.count > 0) expect(summary.per_handler[handler]).toMatchObject(byHandler.get(handler)!.percentiles());
        }
      }),
    );
  });
});
