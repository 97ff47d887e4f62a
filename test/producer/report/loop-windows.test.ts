// The loop's windows in the report: which 50 ms are drawn, and what each row holds — cut from
// hand-made trace events, as the producer's recording would give them.
import { describe, expect, it } from "vitest";
import { busiestStart, loopData, MAX_ROWS, WINDOW_MS, type LoopTraceEvent } from "../../../src/producer/report/loop-windows.js";
import { start, step, thread, wait, wake } from "./loop-events.js";

const RECORDING = { seconds: 10, stoppedEarly: undefined };

/** Steps of task `tid` every `gap` ms from `from`, `count` of them. */
const steps = (tid: number, from: number, count: number, gap: number): LoopTraceEvent[] => Array.from({ length: count }, (_, i) => step(tid, from + i * gap));

describe("the loop's windows", () => {
  it("are the first 50 ms from the loop's first step, and the 50 ms after them in which the most steps begin", () => {
    const events = [start(), thread(1, "producer"), thread(2, "payload"), ...steps(1, 20, 3, 1), ...steps(2, 100, 5, 2), ...steps(1, 300, 9, 4), ...steps(2, 600, 8, 1)];
    const loop = loopData(events, RECORDING);
    expect(loop.windows.map((w) => [w.kind, w.from_ms, w.to_ms, w.steps])).toEqual([
      ["first", 20, 20 + WINDOW_MS, 3],
      ["busiest", 300, 350, 9],
    ]);
    expect(loop).toMatchObject({ window_ms: 50, tasks: 2, steps: 25, trace_seconds: 10, stopped_early: null, busiest_by: expect.stringMatching(/most steps/) });
    expect(loop.recorded_ms).toBeCloseTo(607.05, 3);
  });

  it("measure time from the recording's start, and say why it stopped early", () => {
    const loop = loopData([start(1_000), step(1, 1_010), step(1, 1_090)], { seconds: 0.5, stoppedEarly: "its 0.5 s were up" });
    expect(loop.windows.map((w) => w.from_ms)).toEqual([10, 90]);
    expect(loop.stopped_early).toBe("its 0.5 s were up");
  });

  it("are only the first when nothing ran after it", () => {
    expect(loopData([start(), step(1, 5), step(1, 54.9)], RECORDING).windows.map((w) => w.kind)).toEqual(["first"]);
    expect(loopData([], RECORDING).windows).toEqual([expect.objectContaining({ kind: "first", rows: [], steps: 0 })]);
  });

  it("pick the earliest of equally busy windows, each starting at a step", () => {
    const starts = [60, 61, 62, 200, 201, 202].map((start) => ({ start }));
    expect(busiestStart(starts, 50)).toBe(60);
    expect(busiestStart([{ start: 10 }, { start: 55.5 }, { start: 70 }], 50)).toBe(55.5);
    expect(busiestStart([{ start: 10 }], 50)).toBeUndefined();
  });
});

describe("a window's rows", () => {
  it("are one per task, named by its track, in the order tasks were made", () => {
    const events = [start(), thread(7, "call #3 → 127.0.0.1:9000"), thread(2, "worker 127.0.0.1:9000"), step(7, 10), step(2, 5), step(9, 20)];
    const [first] = loopData(events, RECORDING).windows;
    expect(first!.rows.map((r) => [r.tid, r.name])).toEqual([
      [2, "worker 127.0.0.1:9000"],
      [7, "call #3 → 127.0.0.1:9000"],
      [9, "task#9"],
    ]);
  });

  it("hold its steps and its waits, cut to the window, each wait with what it waited on and for how long in all", () => {
    const events = [start(), thread(1, "worker"), step(1, 5), wait(1, "get tasks", 10, 290), step(1, 300, 0.2), wait(1, "read 127.0.0.1:9000", 300.2, 5), step(1, 305.2, 0.1), step(1, 349.95, 0.1), step(2, 330)];
    const busiest = loopData(events, RECORDING).windows[1]!;
    expect(busiest.from_ms).toBe(300);
    const worker = busiest.rows.find((r) => r.name === "worker")!;
    expect(worker.steps).toEqual([
      { at_ms: 300, dur_ms: 0.2 },
      { at_ms: 305.2, dur_ms: 0.1 },
      { at_ms: 349.95, dur_ms: 0.05 },
    ]);
    expect(worker.waits).toEqual([{ at_ms: 300.2, dur_ms: 5, on: "read 127.0.0.1:9000", waited_ms: 5 }]);
    expect(busiest.run_ms).toBeCloseTo(0.4, 6);

    const first = loopData(events, RECORDING).windows[0]!;
    expect(first.rows[0]!.waits).toEqual([{ at_ms: 10, dur_ms: 45, on: "get tasks", waited_ms: 290 }]);
  });

  it("are joined by the hand-offs that begin and end inside the window", () => {
    const events = [start(), step(1, 10), step(2, 10.1), ...wake(1, 1, 10.04, 2, 10.1), step(1, 59.99, 0.02), step(3, 60.5), ...wake(2, 1, 59.995, 3, 60.5)];
    const [first] = loopData(events, RECORDING).windows;
    expect(first!.hand_offs).toEqual([{ from_tid: 1, to_tid: 2, from_ms: 10.04, to_ms: 10.1 }]);
  });

  it(`are at most ${MAX_ROWS}: the tasks that ran most often stay, the others are counted`, () => {
    const events: LoopTraceEvent[] = [start()];
    for (let tid = 1; tid <= MAX_ROWS + 5; tid++) events.push(...steps(tid, 1 + tid * 0.1, tid <= 5 ? 1 : 2, 10), wait(tid, "sleep 1 s", 30, 1));
    events.push(...wake(1, 1, 1.12, 6, 1.6)); // from a task left out: not drawn
    const [first] = loopData(events, RECORDING).windows;
    expect(first!.rows).toHaveLength(MAX_ROWS);
    expect(first!.rows_left_out).toBe(5);
    expect(first!.rows.map((r) => r.tid)).toEqual(Array.from({ length: MAX_ROWS }, (_, i) => i + 6));
    expect(first!.hand_offs).toEqual([]);
  });
});
