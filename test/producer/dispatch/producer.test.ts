// The producer in process, on real loopback sockets with tiny fake consumers: its policies
// (retries go elsewhere, errors never vanish) tried in milliseconds rather than with processes.
import { afterEach, describe, expect, it } from "vitest";
import type { ProducerEvent } from "../../../src/producer/dispatch/events.js";
import { Producer, type ProducerOptions } from "../../../src/producer/dispatch/producer.js";
import { parseTarget } from "../../../src/producer/dispatch/targets.js";
import { runLoop } from "../../loop/run-loop.js";
import { after, closeFakeConsumers, endlessReply, fakeConsumer, type FakeConsumer } from "../fake-consumer.js";

afterEach(closeFakeConsumers);

function options(consumers: readonly FakeConsumer[], overrides: Partial<ProducerOptions> = {}): ProducerOptions {
  return {
    targets: consumers.map((consumer) => parseTarget(String(consumer.port))),
    interval: 0,
    fibShare: 1,
    fibMin: 10,
    fibMax: 20,
    seed: 1,
    tasks: 10,
    duration: undefined,
    timeout: 2,
    retries: 2,
    queueLimit: 1000,
    queueTimeout: 30,
    statsEvery: 0,
    ...overrides,
  };
}

/** Runs a producer to its end; returns its outcome and every event it logged. */
async function runProducer(opts: ProducerOptions) {
  const events: ProducerEvent[] = [];
  const producer = new Producer(opts, { log: (event) => events.push(event) });
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
    const { outcome } = await runProducer(options([consumer], { tasks: 40, gap }));
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: Error }).error.message).toBe("a bug in the load profile");
  });

  it("sends a retry to another target while one is up, even when that one is busy: the retry waits for it", async () => {
    const broken = await fakeConsumer(() => "ERROR internal: boom\n");
    const healthy = await fakeConsumer(after(15, "55\n"));
    const { outcome, named } = await runProducer(options([broken, healthy], { tasks: 40 }));

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
    const { outcome, named } = await runProducer(options([verbose], { tasks: 3, maxReplyBytes: 100_000 }));

    expect(outcome).toMatchObject({ ok: true, value: { produced: 3, failed: 3, lost: 0, failures: { too_large: 3 } } });
    for (const failed of named("task_failed")) {
      expect(failed).toMatchObject({ target: verbose.name, reason: "too_large", attempt: 1, final: true });
      expect(failed.error).toContain("more than 100000 bytes");
    }
    expect(named("target_down")).toEqual([]);
  });

  it("says at once when no consumer is up, then fails the queued tasks with no_consumer after --queue-timeout", async () => {
    const gone = await fakeConsumer(() => "55\n");
    await gone.close(); // its port now refuses
    const { outcome, events } = await runProducer(options([gone], { tasks: 2, queueTimeout: 0.3 }));

    expect(outcome).toMatchObject({ ok: true, value: { produced: 2, failed: 2, lost: 0, failures: { no_consumer: 2 } } });
    const down = events.findIndex((e) => e.event === "target_down");
    expect(events[down + 1]).toEqual({ event: "no_target_up", queue_timeout_s: 0.3 });
    expect(events.filter((e) => e.event === "no_target_up")).toHaveLength(1);
  });
});
