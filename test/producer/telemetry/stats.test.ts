// The live stats' arithmetic on a fake clock: busy share, rates, per-interval counts and
// percentiles; and the text line a person reads.
import { describe, expect, it } from "vitest";
import type { ProducerEvent } from "../../../src/producer/dispatch/events.js";
import { TextLogger } from "../../../src/producer/telemetry/log.js";
import { bar, StatsLine } from "../../../src/producer/telemetry/stats-line.js";
import { LiveStats } from "../../../src/producer/telemetry/stats.js";
import pc from "picocolors";

type StatsEvent = Extract<ProducerEvent, { event: "stats" }>;

/** A clock the test moves by hand, in milliseconds. */
function fakeClock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const A = "127.0.0.1:9000";
const B = "127.0.0.1:9001";
const allUp = () => true;

describe("LiveStats", () => {
  it("computes busy share as the fraction of the interval a target had a call in flight", () => {
    const clock = fakeClock();
    const stats = new LiveStats([A, B], clock.now);
    stats.busy(A, true);
    clock.advance(250);
    stats.busy(A, false);
    clock.advance(250);
    stats.busy(A, true);
    clock.advance(250);
    stats.busy(A, false);
    clock.advance(250);
    const snapshot = stats.snapshot(0, 0, allUp);
    expect(snapshot.per_target[A]!.busy_share).toBe(0.5);
    expect(snapshot.per_target[B]!.busy_share).toBe(0);
  });

  it("splits a call that spans two intervals between them", () => {
    const clock = fakeClock();
    const stats = new LiveStats([A], clock.now);
    clock.advance(1_500);
    stats.busy(A, true); // the last 500 ms of a 2 s interval
    clock.advance(500);
    expect(stats.snapshot(0, 1, allUp).per_target[A]!.busy_share).toBe(0.25);
    clock.advance(1_000); // still busy: the whole first half of the next 2 s
    stats.busy(A, false);
    clock.advance(1_000);
    expect(stats.snapshot(0, 0, allUp).per_target[A]!.busy_share).toBe(0.5);
    clock.advance(2_000);
    expect(stats.snapshot(0, 0, allUp).per_target[A]!.busy_share).toBe(0);
  });

  it("counts a call still in flight at the snapshot as busy up to now, and never more than the whole interval", () => {
    const clock = fakeClock();
    const stats = new LiveStats([A], clock.now);
    stats.busy(A, true);
    clock.advance(2_000);
    expect(stats.snapshot(0, 1, allUp).per_target[A]!.busy_share).toBe(1);
    clock.advance(1_000);
    expect(stats.snapshot(0, 1, allUp).per_target[A]!.busy_share).toBe(1);
  });

  it("gives rates per second over the interval since the last snapshot, then starts afresh", () => {
    const clock = fakeClock();
    const stats = new LiveStats([A, B], clock.now);
    for (let i = 0; i < 10; i++) stats.taskProduced();
    for (let i = 0; i < 3; i++) stats.callCompleted(A, 10);
    stats.callCompleted(B, 20);
    clock.advance(2_000);
    const first = stats.snapshot(7, 2, allUp);
    expect(first).toMatchObject({ event: "stats", queue_depth: 7, in_flight: 2, produced_per_s: 5, completed_per_s: 2 });
    expect(first.per_target[A]).toMatchObject({ completed: 3, completed_total: 3 });
    expect(first.per_target[B]).toMatchObject({ completed: 1, completed_total: 1 });

    stats.callCompleted(A, 10);
    clock.advance(500);
    const second = stats.snapshot(0, 0, allUp);
    expect(second).toMatchObject({ produced_per_s: 0, completed_per_s: 2 });
    expect(second.per_target[A]).toMatchObject({ completed: 1, completed_total: 4 });
    expect(second.per_target[B]).toMatchObject({ completed: 0, completed_total: 1, p50: null, p95: null });
  });

  it("reports p50 and p95 of the interval's latencies, per target", () => {
    const clock = fakeClock();
    const stats = new LiveStats([A], clock.now);
    for (let ms = 1; ms <= 100; ms++) stats.callCompleted(A, ms);
    clock.advance(1_000);
    const t = stats.snapshot(0, 0, allUp).per_target[A]!;
    expect(t.p50).toBeCloseTo(50, 0);
    expect(t.p95).toBeCloseTo(95, 0);
    clock.advance(1_000);
    stats.callCompleted(A, 7);
    expect(stats.snapshot(0, 0, allUp).per_target[A]!.p50).toBeCloseTo(7, 1);
  });

  it("says whether each target is up, as the workers see it", () => {
    const stats = new LiveStats([A, B], fakeClock().now);
    const snapshot = stats.snapshot(0, 0, (target) => target === A);
    expect(snapshot.per_target[A]!.up).toBe(true);
    expect(snapshot.per_target[B]!.up).toBe(false);
  });

  it("has exactly the JSON fields of PROTOCOL §4", () => {
    const snapshot = new LiveStats([A], fakeClock().now).snapshot(0, 0, allUp);
    expect(Object.keys(snapshot).sort()).toEqual(["completed_per_s", "event", "in_flight", "per_target", "produced_per_s", "queue_depth"]);
    expect(Object.keys(snapshot.per_target[A]!)).toEqual(expect.arrayContaining(["up", "busy_share", "completed", "p50", "p95"]));
  });
});

function statsEvent(queueDepth: number, perTarget: StatsEvent["per_target"]): StatsEvent {
  return { event: "stats", queue_depth: queueDepth, in_flight: 2, produced_per_s: 57.8, completed_per_s: 11.9, per_target: perTarget };
}

const busyTarget = { up: true, busy_share: 1, completed: 6, completed_total: 60, p50: 88, p95: 587.4 };
const idleDown = { up: false, busy_share: 0, completed: 0, completed_total: 12, p50: null, p95: null };

describe("the stats line in text mode", () => {
  it("shows rates, in flight and the queue on one line, and one aligned line per target", () => {
    const lines = new StatsLine(pc.createColors(false)).format(statsEvent(87, { [A]: busyTarget, "10.0.0.7:9001": idleDown }));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^stats +in +57\.8\/s +out +11\.9\/s +in flight 2 +queue +87 /);
    expect(lines[1]).toMatch(/127\.0\.0\.1:9000 +up +busy █{10}▏ 100% +6 done +p50 +88\.0 ms +p95 +587\.4 ms$/);
    expect(lines[2]).toMatch(/10\.0\.0\.7:9001 +DOWN busy .* 0% +0 done +p50 +– ms +p95 +– ms$/);
    // Columns line up from target to target.
    expect(lines[1]!.indexOf("busy")).toBe(lines[2]!.indexOf("busy"));
    expect(lines[1]!.indexOf("done")).toBe(lines[2]!.indexOf("done"));
  });

  it("shows the queue's trend since the last line", () => {
    const line = new StatsLine(pc.createColors(false));
    const targets = { [A]: busyTarget };
    expect(line.format(statsEvent(10, targets))[0]).toContain("queue   10 =");
    expect(line.format(statsEvent(60, targets))[0]).toContain("queue   60 ↑50");
    expect(line.format(statsEvent(20, targets))[0]).toContain("queue   20 ↓40");
    expect(line.format(statsEvent(20, targets))[0]).toContain("queue   20 =");
  });

  it("draws a queue bar that grows with the depth, never shrinking for a longer queue", () => {
    const line = new StatsLine(pc.createColors(false));
    const width = (depth: number): number => (line.format(statsEvent(depth, {}))[0]!.match(/[█▏▎▍▌▋▊▉]+$/)?.[0] ?? "").length;
    const widths = [0, 1, 3, 10, 50, 100, 500, 1000].map(width);
    expect(widths[0]).toBe(0);
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThanOrEqual(widths[i - 1]!);
    expect(widths.at(-1)).toBeGreaterThan(widths[1]!);
  });

  it("draws bars in eighths of a cell", () => {
    expect(bar(0, 10)).toBe("");
    expect(bar(1, 10)).toBe("█".repeat(10));
    expect(bar(0.5, 10)).toBe("█████");
    expect(bar(0.05, 10)).toBe("▌"); // 4 eighths: half a cell
    expect(bar(0.0125, 10)).toBe("▏");
    expect(bar(2, 4)).toBe("████");
  });

  it("puts the time on the first line of a block and indents the rest under it", () => {
    const written: string[] = [];
    new TextLogger((text) => written.push(text), { colour: false }).log(statsEvent(3, { [A]: busyTarget }));
    const lines = written.join("").trimEnd().split("\n");
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} stats /);
    expect(lines[1]).toMatch(/^ {13} +127\.0\.0\.1:9000/);
  });

  it("with --quiet leaves out the per-task lines but keeps failures, stats and the rest", () => {
    const written: string[] = [];
    const log = new TextLogger((text) => written.push(text), { colour: false, quiet: true });
    log.log({ event: "task_queued", id: 1, handler: "system", method: "ping", command: "system ping", queue_depth: 1 });
    log.log({ event: "task_sent", id: 1, target: A, attempt: 1 });
    log.log({ event: "task_done", id: 1, target: A, result: "pong", latency_ms: 1, attempt: 1 });
    expect(written).toEqual([]);
    log.log({ event: "task_failed", id: 2, target: A, error: "refused", reason: "refused", attempt: 1, final: false });
    log.log({ event: "target_down", target: A, reason: "refused" });
    log.log(statsEvent(0, {}));
    expect(written.join("")).toMatch(/failed[\s\S]*down[\s\S]*stats/);
  });

  it("has no colour codes without colour, and some with it", () => {
    const plain: string[] = [];
    const coloured: string[] = [];
    new TextLogger((text) => plain.push(text), { colour: false }).log(statsEvent(30, { [A]: busyTarget }));
    new TextLogger((text) => coloured.push(text), { colour: true }).log(statsEvent(30, { [A]: busyTarget }));
    expect(plain.join("")).not.toContain("\u001b[");
    expect(coloured.join("")).toContain("\u001b[");
  });
});
