// The live page's figures: learnt from the producer's events, taken every second by the feed's own sampler.
import { describe, expect, it } from "vitest";
import type { ProducerEvent } from "../../../src/producer/dispatch/events.js";
import type { Gauges } from "../../../src/producer/dispatch/producer.js";
import { HISTORY_LENGTH, LiveFeed, RECENT_FAILURES, type LiveFigures } from "../../../src/producer/telemetry/live-feed.js";

const A = "127.0.0.1:9000";
const B = "127.0.0.1:9001";

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function gauges(queueDepth: number, inFlight: number, down: readonly string[] = []): Gauges {
  return { queueDepth, inFlight, isUp: (target) => !down.includes(target) };
}

const queued = (id: number): ProducerEvent => ({ event: "task_queued", id, handler: "system", method: "ping", command: "system ping", queue_depth: 1, source: "payload" });
const sent = (id: number, target: string): ProducerEvent => ({ event: "task_sent", id, target, attempt: 1 });
const done = (id: number, target: string, latency: number): ProducerEvent => ({ event: "task_done", id, target, result: "pong", latency_ms: latency, attempt: 1 });
const failed = (id: number, final: boolean, reason = "refused"): ProducerEvent => ({
  event: "task_failed",
  id,
  target: A,
  error: `connection refused by ${A}`,
  reason,
  attempt: 1,
  final,
});

describe("the live feed", () => {
  it("starts with zero figures and every consumer, before its first sample", () => {
    const feed = new LiveFeed([A, B]);
    expect(feed.current()).toMatchObject({ state: "running", every_s: 1, queue_depth: 0, produced_per_s: 0, completed_per_s: 0, produced: 0, recent_failures: [] });
    expect(Object.keys(feed.current().per_target)).toEqual([A, B]);
    expect(JSON.parse(feed.currentJson())).toEqual(feed.current());
  });

  it("gives made and completed per second, the queue, and each consumer's busy share and latency", () => {
    const clock = fakeClock();
    const feed = new LiveFeed([A, B], 1, clock.now);
    for (let id = 1; id <= 4; id++) feed.observe(queued(id));
    feed.observe(sent(1, A));
    clock.advance(500);
    feed.observe(done(1, A, 500));
    feed.observe(sent(2, A));
    clock.advance(500);
    feed.observe(done(2, A, 40));
    const figures = feed.sample(gauges(2, 0, [B]));
    expect(figures).toMatchObject({ queue_depth: 2, in_flight: 0, produced_per_s: 4, completed_per_s: 2, produced: 4, succeeded: 2, failed: 0 });
    expect(figures.per_target[A]).toMatchObject({ up: true, busy_share: 1, completed: 2, completed_total: 2 });
    expect(figures.per_target[A]!.p50).toBeGreaterThan(30);
    expect(figures.per_target[B]).toMatchObject({ up: false, busy_share: 0, completed: 0, p50: null });
  });

  it("lists the last final failures, newest first, and counts every one", () => {
    const feed = new LiveFeed([A]);
    feed.observe(failed(1, false)); // will be retried: not a failure of the task yet
    for (let id = 2; id <= RECENT_FAILURES + 4; id++) feed.observe(failed(id, true));
    const figures = feed.sample(gauges(0, 0));
    expect(figures.failed).toBe(RECENT_FAILURES + 3);
    expect(figures.recent_failures).toHaveLength(RECENT_FAILURES);
    expect(figures.recent_failures[0]).toMatchObject({ id: RECENT_FAILURES + 4, target: A, reason: "refused", error: `connection refused by ${A}` });
    expect(figures.recent_failures.map((f) => f.id)).toEqual([...Array(RECENT_FAILURES).keys()].map((i) => RECENT_FAILURES + 4 - i));
  });

  it("cuts a long error short", () => {
    const feed = new LiveFeed([A]);
    feed.observe({ ...(failed(1, true) as Extract<ProducerEvent, { event: "task_failed" }>), error: "x".repeat(10_000) });
    expect(feed.sample(gauges(0, 0)).recent_failures[0]!.error).toHaveLength(200);
  });

  it("says stopping from the first signal on", () => {
    const feed = new LiveFeed([A]);
    feed.observe({ event: "shutdown", signal: "SIGTERM", queued: 3, in_flight: 1, forced: false });
    expect(feed.sample(gauges(0, 1)).state).toBe("stopping");
  });

  it("tells each listener every sample's JSON until it stops listening", () => {
    const feed = new LiveFeed([A]);
    const heard: LiveFigures[] = [];
    const stop = feed.subscribe((json) => heard.push(JSON.parse(json) as LiveFigures));
    feed.sample(gauges(5, 1));
    stop();
    feed.sample(gauges(6, 1));
    expect(heard.map((f) => f.queue_depth)).toEqual([5]);
    expect(feed.current().queue_depth).toBe(6);
  });

  it("keeps the last minute before the current figures, for a page that opens now", () => {
    const feed = new LiveFeed([A]);
    expect(feed.recent()).toEqual({ queue_depth: [], produced_per_s: [], completed_per_s: [] });
    for (let depth = 1; depth <= HISTORY_LENGTH + 10; depth++) feed.sample(gauges(depth, 0));
    const { queue_depth } = feed.recent();
    expect(queue_depth).toHaveLength(HISTORY_LENGTH);
    expect(queue_depth.at(-1)).toBe(HISTORY_LENGTH + 9); // the current one (HISTORY_LENGTH + 10) comes next
    expect(queue_depth[0]).toBe(10);
  });

  it("is sampled by a sampler of its own, named for traces", () => {
    const feed = new LiveFeed([A], 0.5);
    expect(feed.sampler).toMatchObject({ name: "live page", every: 0.5 });
    feed.sampler.sample(gauges(7, 0));
    expect(feed.current()).toMatchObject({ queue_depth: 7, every_s: 0.5 });
  });
});
