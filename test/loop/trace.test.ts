// The loop's trace (PROTOCOL §9): what Perfetto draws is built from these events, so they are
// checked as a viewer would read them. A small program — a maker putting jobs into a queue, two
// takers — is traced, and the trace read back.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isTracing, Queue, run, sleep, spawn, startTrace, type ChromeTrace, type Operation, type TraceEvent } from "../../src/loop/index.js";
import { checkTrace } from "../helpers/trace.js";

function* makeAndTake(jobs: Queue<number>): Operation<number> {
  let taken = 0;
  const taker = function* (): Operation<void> {
    for (;;) {
      yield* jobs.get();
      taken++;
    }
  };
  const takers = [yield* spawn(taker, "taker A"), yield* spawn(taker, "taker B")];
  yield* spawn(() => sleep(60), undefined); // an unnamed child: its track still says whose it is
  for (let i = 0; i < 6; i++) {
    yield* jobs.put(i);
    yield* sleep(0.002);
  }
  for (const t of takers) t.halt();
  return taken;
}

/** Traces `body` as the root task "maker" and returns the trace as a viewer would load it. */
function traced(body: () => Operation<number>, counters?: Record<string, () => number>): Promise<{ trace: ChromeTrace; taken: number }> {
  const recording = startTrace({ seconds: 10, counters, processName: "test" });
  return new Promise((resolve, reject) => {
    run(
      body,
      (outcome) => {
        recording.stop();
        if (!outcome.ok) return reject(outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error)));
        resolve({ trace: JSON.parse(JSON.stringify(recording.toJSON())) as ChromeTrace, taken: outcome.value });
      },
      "maker",
    );
  });
}

const named = (trace: ChromeTrace): Map<number, string> =>
  new Map(trace.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => [e.tid!, String(e.args!.name)]));

describe("the loop's trace (--trace, PROTOCOL §9)", () => {
  it("is the Chrome Trace Event Format's JSON object: traceEvents and displayTimeUnit ms", async () => {
    const { trace, taken } = await traced(() => makeAndTake(new Queue<number>(Infinity, "jobs")));
    expect(taken).toBe(6);
    expect(Object.keys(trace).sort()).toEqual(["displayTimeUnit", "traceEvents"]);
    expect(trace.displayTimeUnit).toBe("ms");
    for (const event of trace.traceEvents) {
      expect(event.pid).toBe(process.pid);
      expect(["X", "M", "C", "s", "f"]).toContain(event.ph);
    }
  });

  it("gives every task that ran a track named by its role, never a bare number", async () => {
    const { trace } = await traced(() => makeAndTake(new Queue<number>(Infinity, "jobs")));
    const names = named(trace);
    const ran = new Set(trace.traceEvents.filter((e) => e.cat === "run").map((e) => e.tid!));
    for (const tid of ran) expect(names.get(tid), `track ${tid}`).toMatch(/[a-z]/);
    expect(checkTrace(trace).unnamed).toEqual([]);
    expect([...names.values()]).toEqual(expect.arrayContaining(["maker", "taker A", "taker B"]));
    expect([...names.values()].find((name) => name.includes("child of"))).toMatch(/^task#\d+ \(a child of maker\)$/);
  });

  it("has a slice per step and per wait, the wait named by what it waited on", async () => {
    const { trace } = await traced(() => makeAndTake(new Queue<number>(Infinity, "jobs")));
    const waits = trace.traceEvents.filter((e) => e.cat === "wait");
    const byName = (name: string) => waits.filter((e) => e.name === name);
    expect(byName("sleep 0.002 s")).toHaveLength(6);
    expect(byName("get jobs").length).toBeGreaterThanOrEqual(6);
    for (const slice of trace.traceEvents.filter((e) => e.ph === "X")) {
      expect(slice.ts).toBeTypeOf("number");
      expect(slice.dur).toBeGreaterThanOrEqual(0);
    }
  });

  it("never overlaps two steps (the loop runs one task at a time), nor a task's wait with its steps", async () => {
    const { trace } = await traced(() => makeAndTake(new Queue<number>(Infinity, "jobs")));
    expect(checkTrace(trace).overlaps).toEqual([]);
  });

  it("draws an arrow from the step that woke a task to the step of the task it woke", async () => {
    const { trace } = await traced(() => makeAndTake(new Queue<number>(Infinity, "jobs")));
    const flows = trace.traceEvents.filter((e) => e.cat === "wake");
    // Each job put into the queue woke a waiting taker: one arrow each from maker to a taker.
    const names = named(trace);
    const ends = flows.filter((e) => e.ph === "f");
    const makerToTaker = ends.filter((f) => {
      const start = flows.find((s) => s.ph === "s" && s.id === f.id)!;
      return names.get(start.tid!) === "maker" && names.get(f.tid!)!.startsWith("taker");
    });
    expect(makerToTaker.length).toBeGreaterThanOrEqual(6);
    expect(checkTrace(trace).strayFlows).toEqual([]);
  });

  it("counts what it is asked to count, as counter events that change", async () => {
    const jobs = new Queue<number>(Infinity, "jobs");
    const { trace } = await traced(() => makeAndTake(jobs), { queue: () => jobs.size });
    const queue = trace.traceEvents.filter((e): e is TraceEvent & { args: Record<string, number> } => e.ph === "C" && e.name === "queue");
    expect(queue.length).toBeGreaterThanOrEqual(1);
    expect(queue[0]!.args.queue).toBe(0);
  });

  it("stops by itself when its time is up, and costs nothing once stopped", async () => {
    const recording = startTrace({ seconds: 0.01 });
    expect(isTracing()).toBe(true);
    await new Promise<void>((resolve) => run(() => sleep(0.03), () => resolve()));
    await new Promise<void>((resolve) => run(() => sleep(0.001), () => resolve()));
    expect(recording.recording).toBe(false);
    expect(recording.stoppedEarly).toMatch(/0.01 s were up/);
    expect(isTracing()).toBe(false);
  });

  it("stops when its buffer is full rather than grow", async () => {
    const recording = startTrace({ seconds: 10, capacity: 8 });
    await new Promise<void>((resolve) => run(() => makeAndTake(new Queue<number>()), () => resolve()));
    expect(recording.stoppedEarly).toMatch(/buffer of 8 records is full/);
    expect(checkTrace(recording.toJSON()).overlaps).toEqual([]);
  });

  it("writes a file that parses as the documented JSON", async () => {
    const recording = startTrace({ seconds: 10, processName: "test" });
    await new Promise<void>((resolve) => run(() => makeAndTake(new Queue<number>()), () => resolve(), "maker"));
    const path = join(mkdtempSync(join(tmpdir(), "trace-")), "trace.json");
    recording.write(path);
    const trace = JSON.parse(readFileSync(path, "utf8")) as ChromeTrace;
    expect(trace.displayTimeUnit).toBe("ms");
    expect(named(trace).get(trace.traceEvents.find((e) => e.cat === "run")!.tid!)).toBeDefined();
  });
});
