// --amqp (PROTOCOL §7): producers share one durable RabbitMQ queue; clients use RabbitMQ's own RPC
// pattern. The client here is a plain amqplib one, as in RabbitMQ's RPC tutorial: not ours.
import { randomUUID } from "node:crypto";
import amqp from "amqplib";
import { afterEach, expect, it } from "vitest";
import { describeWithBroker } from "../helpers/broker.js";
import { bundleCommand, runToExit, startConsumer, stopAll, waitUntil } from "../helpers/processes.js";
import { fibonacci, startProducer, type RunningProducer } from "../helpers/producer.js";

afterEach(stopAll);

/** A tutorial-style RPC client: an exclusive reply queue, a correlation_id per request, first answer wins. */
async function tutorialClient(url: string, queue: string) {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: true });
  const { queue: replyTo } = await channel.assertQueue("", { exclusive: true });
  const answers = new Map<string, string>();
  let duplicates = 0;
  await channel.consume(
    replyTo,
    (message) => {
      if (message === null) return;
      const id = message.properties.correlationId as string;
      if (answers.has(id)) duplicates++;
      else answers.set(id, message.content.toString());
    },
    { noAck: true },
  );
  return {
    answers,
    duplicates: () => duplicates,
    send(body: string | Buffer, options: { replyTo?: boolean } = {}): string {
      const correlationId = randomUUID();
      channel.sendToQueue(queue, Buffer.isBuffer(body) ? body : Buffer.from(body), {
        correlationId,
        ...(options.replyTo === false ? {} : { replyTo }),
        persistent: true,
      });
      return correlationId;
    },
    async messageCount(): Promise<number> {
      return (await channel.checkQueue(queue)).messageCount;
    },
    close: () => connection.close(),
  };
}

async function producerOn(url: string, queue: string, consumerPort: number): Promise<RunningProducer> {
  const producer = startProducer(["--amqp", url, "--amqp-queue", queue, "--stats-every", "0", String(consumerPort)]);
  await waitUntil(() => producer.eventsNamed("broker_up").length > 0, "the producer to reach the broker", 30_000);
  return producer;
}

const expected = (i: number): [string, string] => (i % 2 === 0 ? [`fibonacci_generator calculate ${i}`, fibonacci(i)] : ["system ping", "pong"]);

describeWithBroker("--amqp: many producers, one queue, nothing lost", (url) => {
  it("answers every request of a tutorial-style client, served by both producers", async () => {
    const queue = `test.tasks.${randomUUID().slice(0, 8)}`;
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const producers = [await producerOn(url, queue, a.port), await producerOn(url, queue, b.port)];
    const client = await tutorialClient(url, queue);
    try {
      const ids = Array.from({ length: 1000 }, (_, i) => [client.send(expected(i)[0]), expected(i)[1]] as const);
      await waitUntil(() => client.answers.size === ids.length, "every answer", 60_000);
      for (const [id, answer] of ids) expect(client.answers.get(id)).toBe(answer);
      for (const producer of producers) expect(producer.eventsNamed("task_done").length).toBeGreaterThan(0);
      expect(producers[0]!.eventsNamed("task_queued")[0]).toMatchObject({ source: "amqp" });
      expect(await client.messageCount()).toBe(0);
    } finally {
      await client.close();
    }
  }, 90_000);

  it("answers and acks what is not a request (never requeued forever); a message without reply_to is only logged", async () => {
    const queue = `test.tasks.${randomUUID().slice(0, 8)}`;
    const consumer = await startConsumer();
    const producer = await producerOn(url, queue, consumer.port);
    const client = await tutorialClient(url, queue);
    try {
      const invalid = client.send(Buffer.from([0xff, 0xfe, 0x20, 0x70]));
      const empty = client.send("");
      const huge = client.send(Buffer.alloc(10 * 1024 * 1024, 0x61));
      client.send("system ping", { replyTo: false });
      await waitUntil(() => client.answers.size === 3, "the three answers", 30_000);
      expect(client.answers.get(invalid)).toMatch(/^ERROR bad_request: .*UTF-8/);
      expect(client.answers.get(empty)).toMatch(/^ERROR bad_request: empty request/);
      expect(client.answers.get(huge)).toMatch(/^ERROR too_large: /);
      await waitUntil(() => producer.eventsNamed("task_done").length === 1, "the request without reply_to to be served");
      expect(await client.messageCount()).toBe(0);
    } finally {
      await client.close();
    }
  }, 60_000);

  it("loses nothing when a producer is killed with SIGKILL mid-run: its messages go to the other", async () => {
    const queue = `test.tasks.${randomUUID().slice(0, 8)}`;
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const doomed = await producerOn(url, queue, a.port);
    const survivor = await producerOn(url, queue, b.port);
    const client = await tutorialClient(url, queue);
    try {
      const ids = Array.from({ length: 300 }, () => client.send("system sleep 10"));
      await waitUntil(() => doomed.eventsNamed("task_done").length >= 10, "the doomed producer to serve some", 30_000);
      await doomed.stop("SIGKILL");
      await waitUntil(() => client.answers.size === ids.length, "every answer", 60_000);
      for (const id of ids) expect(client.answers.get(id)).toBe("slept 10");
      expect(survivor.eventsNamed("task_queued").some((e) => e.redelivered === true)).toBe(true);
    } finally {
      await client.close();
    }
  }, 90_000);

  it("returns prefetched tasks not yet sent to the queue on SIGTERM, finishes the one in flight: another producer answers the rest", async () => {
    const queue = `test.tasks.${randomUUID().slice(0, 8)}`;
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const leaving = startProducer(["--amqp", url, "--amqp-queue", queue, "--prefetch", "20", "--stats-every", "0", String(a.port)]);
    await waitUntil(() => leaving.eventsNamed("broker_up").length > 0, "the producer to reach the broker", 30_000);
    const client = await tutorialClient(url, queue);
    try {
      const ids = Array.from({ length: 20 }, () => client.send("system sleep 300"));
      await waitUntil(() => leaving.eventsNamed("task_queued").length === 20, "the producer to hold all 20", 20_000);
      leaving.child.kill("SIGTERM");
      await leaving.exited(20_000);
      expect(leaving.eventsNamed("task_done").length).toBeGreaterThanOrEqual(1); // the call in flight finished
      const staying = await producerOn(url, queue, b.port);
      await waitUntil(() => client.answers.size === ids.length, "every answer", 30_000);
      for (const id of ids) expect(client.answers.get(id)).toBe("slept 300");
      expect(staying.eventsNamed("task_done").length).toBe(20 - leaving.eventsNamed("task_done").length);
    } finally {
      await client.close();
    }
  }, 90_000);

  it("serves run_rpc_client.sh --amqp: one request, and the payload with --load", async () => {
    const queue = `test.tasks.${randomUUID().slice(0, 8)}`;
    const consumer = await startConsumer();
    await producerOn(url, queue, consumer.port);
    const client = async (...args: string[]) => {
      const [command, argv] = bundleCommand("client", ["--amqp", url, "--amqp-queue", queue, ...args]);
      return runToExit(command, argv, { timeoutMs: 60_000 });
    };
    expect(await client("fibonacci_generator", "calculate", "100")).toMatchObject({ code: 0, stdout: "354224848179261915075\n" });
    expect(await client("fibonacci_generator", "calculate", "x")).toMatchObject({ code: 1, stdout: expect.stringMatching(/^ERROR bad_argument: /) });
    const load = await client("--load", "--tasks", "200", "--interval", "0.002", "--log-format", "json", "--stats-every", "0");
    expect(load.code, load.stderr).toBe(0);
    const summary = JSON.parse(load.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({ event: "summary", produced: 200, succeeded: 200, failed: 0, lost: 0 });
  }, 90_000);
});
