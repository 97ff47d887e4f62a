// --amqp when the broker itself restarts (PROTOCOL §7): producers log broker_down, reconnect with
// capped back-off, log broker_up and carry on (the durable queue's own survival is tested in
// test/amqp/broker-restart.broker.test.ts). A private
// broker of this test's own: restarting the run's broker would take it from the other tests.
import { randomUUID } from "node:crypto";
import amqp from "amqplib";
import { afterEach, expect, it } from "vitest";
import { describeWithBroker, usePrivateBroker } from "../helpers/broker.js";
import { startConsumer, stopAll, waitUntil } from "../helpers/processes.js";
import { startProducer, type RunningProducer } from "../helpers/producer.js";

afterEach(stopAll);

describeWithBroker("--amqp across a broker restart", () => {
  const privateBroker = usePrivateBroker();

  /** Publishes `count` persistent requests with a reply queue of its own; resolves with the answers once all came. */
  async function ask(url: string, queue: string, count: number): Promise<string[]> {
    const connection = await amqp.connect(url);
    try {
      const channel = await connection.createChannel();
      await channel.assertQueue(queue, { durable: true });
      const { queue: replyTo } = await channel.assertQueue("", { exclusive: true });
      const answers = new Map<string, string>();
      await channel.consume(replyTo, (m) => m && !answers.has(m.properties.correlationId as string) && answers.set(m.properties.correlationId as string, m.content.toString()), { noAck: true });
      for (let i = 0; i < count; i++) channel.sendToQueue(queue, Buffer.from("system ping"), { correlationId: randomUUID(), replyTo, persistent: true });
      await waitUntil(() => answers.size === count, `${count} answers`, 60_000);
      return [...answers.values()];
    } finally {
      await connection.close();
    }
  }

  it("logs broker_down and broker_up, and every request after the restart is answered", async () => {
    const url = privateBroker().url;
    const queue = `test.tasks.${randomUUID().slice(0, 8)}`;
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const producers: RunningProducer[] = [a, b].map((consumer) => startProducer(["--amqp", url, "--amqp-queue", queue, "--stats-every", "0", String(consumer.port)]));
    await waitUntil(() => producers.every((p) => p.eventsNamed("broker_up").length === 1), "both producers to reach the broker", 30_000);
    expect(await ask(url, queue, 50)).toEqual(Array.from({ length: 50 }, () => "pong"));

    await privateBroker().restart();
    await waitUntil(() => producers.every((p) => p.eventsNamed("broker_down").length >= 1), "both producers to log broker_down", 60_000);
    await waitUntil(() => producers.every((p) => p.eventsNamed("broker_up").length >= 2), "both producers to log broker_up again", 60_000);
    expect(producers[0]!.eventsNamed("broker_down")[0]!.reason).toEqual(expect.any(String));
    expect(await ask(url, queue, 50)).toEqual(Array.from({ length: 50 }, () => "pong"));
    for (const producer of producers) expect(producer.child.exitCode).toBeNull(); // neither crashed nor exited
  }, 240_000);
});
