// The producer in process, on real loopback sockets with tiny fake consumers: its policies —
// retries go elsewhere, errors never vanish, bounded replies, probe back-off, no_consumer expiry,
// backpressure, shutdown and abort — tried in about two seconds rather than with processes.
import { afterEach, describe, expect, it } from "vitest";
import { sleep } from "../../../src/loop/index.js";
import type { ProducerEvent } from "../../../src/producer/dispatch/events.js";
import type { Intake } from "../../../src/producer/dispatch/intake.js";
import { makeRequest } from "../../../src/producer/dispatch/rpc-task.js";
import { Producer, type DispatchOptions } from "../../../src/producer/dispatch/producer.js";
import { parseTarget } from "../../../src/producer/dispatch/targets.js";
import { ClientPayload, type PayloadOptions } from "../../../src/producer/intake/payload.js";
import { waitUntil } from "../../helpers/wait.js";
import { runLoop } from "../../loop/run-loop.js";
import { after, closeFakeConsumers, endlessReply, fakeConsumer, type FakeConsumer } from "../fake-consumer.js";

afterEach(closeFakeConsumers);

interface Setup extends Partial<DispatchOptions>, Partial<PayloadOptions> {}

/** A producer on these consumers with the payload as its intake (10 quick tasks unless told). */
function producerOn(consumers: readonly FakeConsumer[], setup: Setup = {}) {
  const events: ProducerEvent[] = [];
  const dispatch: DispatchOptions = { targets: consumers.map((c) => parseTarget(String(c.port))), timeout: 2, retries: 2, queueLimit: 1000, queueTimeout: 30, ...setup };
  const payload = new ClientPayload({ interval: 0, fibShare: 1, fibMin: 10, fibMax: 20, seed: 1, tasks: 10, ...setup });
  const producer = new Producer(dispatch, [payload], (event) => events.push(event));
  const named = <K extends ProducerEvent["event"]>(name: K) => events.filter((e): e is Extract<ProducerEvent, { event: K }> => e.event === name);
  return { producer, events, named };
}

/** Runs a producer to its end; returns its outcome and every event it emitted. */
async function runProducer(consumers: readonly FakeConsumer[], setup: Setup = {}) {
  const { producer, events } = producerOn(consumers, setup);
  const outcome = await runLoop(() => producer.run());
  const named = <K extends ProducerEvent["event"]>(name: K) => events.filter((e): e is Extract<ProducerEvent, { event: K }> => e.event === name);
  return { outcome, events, named };
}

describe("a producer", () => {
  it("fails its run (never a clean summary) when the payload throws", async () => {
    const consumer = await fakeConsumer(() => "55\n");
    const gap = (index: number): number => {
      if (index === 9) throw new Error("a bug in the load profile");
      return 0;
    };
    const { outcome } = await runProducer([consumer], { tasks: 40, gap });
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: Error }).error.message).toBe("a bug in the load profile");
  });

  it("fails its run when any intake throws, even after its tasks were answered", async () => {
    const consumer = await fakeConsumer(() => "pong\n");
    const answered: string[] = [];
    const broken: Intake = {
      name: "broken door",
      *run(inbox) {
        const task = yield* inbox.put(makeRequest("system", "ping", ""), { source: "listen", client: "127.0.0.1:1", answer: (o) => answered.push(o.ok ? o.reply : o.reason) });
        while (answered.length === 0) yield* sleep(0.005);
        throw new Error(`a bug in the front door after task #${task.id}`);
      },
    };
    const producer = new Producer({ targets: [parseTarget(String(consumer.port))], timeout: 2, retries: 2, queueLimit: 10, queueTimeout: 30 }, [broken], () => {});
    const outcome = await runLoop(() => producer.run());
    expect(answered).toEqual(["pong"]);
    expect(outcome).toMatchObject({ ok: false, error: { message: "a bug in the front door after task #1" } });
  });

  it("sends a retry to another target while one is up, even when that one is busy: the retry waits for it", async () => {
    const broken = await fakeConsumer(() => "ERROR internal: boom\n");
    const healthy = await fakeConsumer(after(15, "55\n"));
    const { outcome, named } = await runProducer([broken, healthy], { tasks: 40 });

    expect(outcome).toMatchObject({ ok: true, value: { produced: 40, succeeded: 40, failed: 0, lost: 0 } });
    const retried = named("task_failed").filter((e) => e.target === broken.name);
    expect(retried.length).toBeGreaterThan(0);
    for (const failed of retried) {
      expect(failed).toMatchObject({ reason: "internal", attempt: 1, final: false });
      const resent = named("task_sent").find((e) => e.id === failed.id && e.attempt === 2);
      expect(resent?.target, `task #${failed.id}'s retry`).toBe(healthy.name);
    }
  });

  it("fails a task whose reply passes --max-reply-bytes finally with too_large, reading no further, and keeps the consumer up", async () => {
    const verbose = await fakeConsumer(endlessReply);
    const { outcome, named } = await runProducer([verbose], { tasks: 3, maxReplyBytes: 100_000 });

    expect(outcome).toMatchObject({ ok: true, value: { produced: 3, failed: 3, lost: 0 } });
    for (const failed of named("task_failed")) {
      expect(failed).toMatchObject({ target: verbose.name, reason: "too_large", attempt: 1, final: true });
      expect(failed.error).toContain("more than 100000 bytes");
    }
    expect(named("target_down")).toEqual([]);
  });

  it("says at once when no consumer is up, then fails the queued tasks with no_consumer after --queue-timeout", async () => {
    const gone = await fakeConsumer(() => "55\n");
    await gone.close(); // its port now refuses
    const { outcome, events } = await runProducer([gone], { tasks: 2, queueTimeout: 0.3 });

    expect(outcome).toMatchObject({ ok: true, value: { produced: 2, failed: 2, lost: 0 } });
    expect(events.filter((e) => e.event === "task_failed" && e.final).map((e) => (e as { reason: string }).reason)).toEqual(["no_consumer", "no_consumer"]);
    const down = events.findIndex((e) => e.event === "target_down");
    expect(events[down + 1]).toEqual({ event: "no_target_up", queue_timeout_s: 0.3 });
    expect(events.filter((e) => e.event === "no_target_up")).toHaveLength(1);
  });

  it("probes a consumer that went down with system ping, backing off (0.1 s, doubling), and sends it tasks again once it answers", async () => {
    const pings: number[] = [];
    let failuresLeft = 4; // the task's first call and three probes
    const flaky = await fakeConsumer((line, socket) => {
      if (line === "system ping") pings.push(performance.now());
      if (failuresLeft-- > 0) return void socket.end(); // closed without a reply: a transport failure
      return line === "system ping" ? "pong\n" : "55\n";
    });
    const { outcome, events, named } = await runProducer([flaky], { tasks: 1 });

    expect(outcome).toMatchObject({ ok: true, value: { produced: 1, succeeded: 1, failed: 0, lost: 0 } });
    expect(events.map((e) => e.event)).toEqual(["task_queued", "task_sent", "target_down", "no_target_up", "task_failed", "target_up", "task_sent", "task_done"]);
    expect(named("task_done")[0]).toMatchObject({ target: flaky.name, attempt: 2 });
    const gaps = pings.slice(1).map((at, i) => at - pings[i]!);
    expect(gaps).toHaveLength(3);
    // Each wait doubles: 0.2 s, then 0.4 s, then 0.8 s (timers fire late, never early).
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(200 * 2 ** i - 5));
    expect(gaps[2]!).toBeLessThan(1_500);
  });

  it("holds the payload back when the queue is full (backpressure), saying so once per episode", async () => {
    const slow = await fakeConsumer(after(10, "55\n"));
    const { outcome, named } = await runProducer([slow], { tasks: 30, queueLimit: 5 });

    expect(outcome).toMatchObject({ ok: true, value: { produced: 30, succeeded: 30, failed: 0, lost: 0 } });
    expect(Math.max(...named("task_queued").map((e) => e.queue_depth))).toBe(5);
    expect(named("queue_full")).toEqual([{ event: "queue_full", queue_limit: 5 }]);
  });

  it("on shutdown stops the payload, fails what is queued with shutdown, and lets the call in flight finish", async () => {
    const slow = await fakeConsumer(after(30, "55\n"));
    const { producer, events, named } = producerOn([slow], { tasks: undefined, interval: 0.002 });
    const run = runLoop(() => producer.run());
    await waitUntil(() => named("task_done").length >= 2 && producer.queueDepth >= 3, "some tasks done and some queued");
    producer.requestShutdown("SIGTERM");
    const outcome = await run;

    expect(outcome).toMatchObject({ ok: true, value: { lost: 0 } });
    const [shutdown] = named("shutdown");
    expect(shutdown).toMatchObject({ signal: "SIGTERM", in_flight: 1, forced: false });
    expect(shutdown!.queued).toBeGreaterThanOrEqual(3);
    const after_ = events.slice(events.indexOf(shutdown!) + 1);
    expect(after_.filter((e) => e.event === "task_failed")).toHaveLength(shutdown!.queued);
    for (const e of after_.filter((e) => e.event === "task_failed")) expect(e).toMatchObject({ reason: "shutdown", final: true, target: null });
    expect(after_.filter((e) => e.event === "task_done")).toHaveLength(1); // the call in flight finished
    expect(after_.some((e) => e.event === "task_queued")).toBe(false);
  });

  it("on abort fails the call in flight with shutdown at once and ends the run, nothing lost", async () => {
    const silent = await fakeConsumer(() => undefined); // accepts, reads, never answers
    const { producer, named } = producerOn([silent], { tasks: undefined, interval: 0.05, timeout: 60 });
    const run = runLoop(() => producer.run());
    await waitUntil(() => named("task_sent").length >= 1, "a call in flight");
    producer.requestShutdown("SIGINT");
    await waitUntil(() => named("shutdown").length === 1, "the graceful shutdown to begin");
    const counts = producer.abort("SIGINT");
    const outcome = await run;

    expect(counts).toMatchObject({ failed: counts.produced, succeeded: 0, lost: 0 });
    expect(outcome).toEqual({ ok: true, value: counts });
    expect(named("shutdown").map((e) => e.forced)).toEqual([false, true]);
    expect(named("task_failed").find((e) => e.target === silent.name)).toMatchObject({ reason: "shutdown", attempt: 1, final: true });
  });
});
