// The AMQP bridge against a real RabbitMQ: what a producer and a client rely on.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  BrokerUnreachableError,
  ChannelClosedError,
  connectAmqp,
  ConnectionLostError,
  type AmqpChannel,
  type AmqpConnection,
  type Delivery,
} from "../../src/amqp/index.js";
import { sleep, spawn, type Operation } from "../../src/loop/index.js";
import { describeWithBroker } from "../helpers/broker.js";
import { freePort } from "../helpers/processes.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";
import { runValue } from "../loop/run-loop.js";

/** A queue name of this test run's own. */
const queueName = (what: string): string => `test.${what}.${randomUUID().slice(0, 8)}`;

/** Polls `check` on the loop every 10 ms for at most `seconds`. */
function* eventually(check: () => boolean, what: string, seconds = 5): Operation<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    yield* sleep(0.01);
  }
}

/** Runs `body` with a connection and a channel, and closes both whatever happens. */
function withChannel<T>(url: string, body: (channel: AmqpChannel, connection: AmqpConnection) => Operation<T>): Promise<T> {
  return runValue(function* () {
    const connection = yield* connectAmqp(url, { name: "bridge test" });
    try {
      const channel = yield* connection.createChannel();
      return yield* body(channel, connection);
    } finally {
      connection.close();
    }
  });
}

describeWithBroker("the AMQP bridge, against RabbitMQ", (url) => {
  const port = (): number => Number(new URL(url).port);
  let proxy: TcpProxy;
  /** The broker's URL through the proxy: connections that a test can cut. */
  const proxiedUrl = (): string => url.replace(`:${port()}`, `:${proxy.port}`);

  beforeAll(async () => {
    proxy = await startTcpProxy(port());
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it("publishes a message, receives it with its properties, acks it, and the queue ends empty", async () => {
    const queue = queueName("roundtrip");
    const received = await withChannel(url, function* (channel) {
      yield* channel.assertQueue(queue);
      yield* channel.sendToQueue(queue, "system ping", { correlationId: "c-1", replyTo: "replies", persistent: true });
      const subscription = yield* channel.subscribe(queue);
      const delivery = (yield* subscription.next())!;
      channel.ack(delivery);
      yield* subscription.cancel();
      const after = yield* channel.checkQueue(queue);
      yield* channel.deleteQueue(queue);
      return { body: delivery.body.toString(), delivery, after };
    });
    expect(received.body).toBe("system ping");
    expect(received.delivery).toMatchObject({ correlationId: "c-1", replyTo: "replies", redelivered: false, routingKey: queue });
    expect(received.after).toMatchObject({ messageCount: 0, consumerCount: 0 });
  });

  it("returns from publish only once the broker confirmed the message: it is already counted in the queue", async () => {
    const queue = queueName("confirm");
    const counts = await withChannel(url, function* (channel) {
      yield* channel.assertQueue(queue);
      const seen: number[] = [];
      for (let i = 0; i < 5; i++) {
        yield* channel.sendToQueue(queue, `message ${i}`, { persistent: true });
        seen.push((yield* channel.checkQueue(queue)).messageCount);
      }
      yield* channel.deleteQueue(queue);
      return seen;
    });
    expect(counts).toEqual([1, 2, 3, 4, 5]);
  });

  it("finds amqplib's internals as write batching expects, and 50 publishes from one turn (one corked write) are confirmed and arrive whole and in order", async () => {
    const queue = queueName("batched");
    const bodies = await withChannel(url, function* (channel, connection) {
      expect(connection.batchesWrites).toBe(true); // false: amqplib changed, see write-batching.ts
      yield* channel.assertQueue(queue);
      // 50 publishes started in one turn: their frames go out in one flush, one corked write.
      const publishing = [];
      for (let i = 0; i < 50; i++) publishing.push(yield* spawn(() => channel.sendToQueue(queue, `message ${i} ${"x".repeat(i * 100)}`)));
      for (const publish of publishing) yield* publish;
      const received: string[] = [];
      const subscription = yield* channel.subscribe(queue);
      while (received.length < 50) {
        const delivery = (yield* subscription.next())!;
        received.push(delivery.body.toString());
        channel.ack(delivery);
      }
      yield* subscription.cancel();
      yield* channel.deleteQueue(queue);
      return received;
    });
    expect(bodies).toEqual(Array.from({ length: 50 }, (_, i) => `message ${i} ${"x".repeat(i * 100)}`));
  });

  it("redelivers a message that was not acked, marked redelivered, once the consumer's connection dies", async () => {
    const queue = queueName("redeliver");
    await withChannel(url, function* (channel) {
      yield* channel.assertQueue(queue);
      yield* channel.sendToQueue(queue, "calculator calculate 2 + 2");
    });

    // A consumer takes it, does not ack, and its connection is cut like a crash would cut it.
    const first = await runValue(function* () {
      const connection = yield* connectAmqp(proxiedUrl());
      const channel = yield* connection.createChannel();
      const subscription = yield* channel.subscribe(queue);
      const delivery = (yield* subscription.next())!;
      proxy.cut();
      const loss = yield* connection.ended();
      return { redelivered: delivery.redelivered, loss };
    });
    expect(first.redelivered).toBe(false);
    expect(first.loss).toBeInstanceOf(ConnectionLostError);

    const second = await withChannel(url, function* (channel) {
      const subscription = yield* channel.subscribe(queue);
      const delivery = (yield* subscription.next())!;
      channel.ack(delivery);
      yield* channel.deleteQueue(queue);
      return delivery;
    });
    expect(second.body.toString()).toBe("calculator calculate 2 + 2");
    expect(second.redelivered).toBe(true);
  });

  it("gives a nacked message back to the queue (redelivered), or drops it when told not to requeue", async () => {
    const queue = queueName("nack");
    const seen = await withChannel(url, function* (channel) {
      yield* channel.assertQueue(queue);
      yield* channel.sendToQueue(queue, "try again");
      const subscription = yield* channel.subscribe(queue);
      const first = (yield* subscription.next())!;
      channel.nack(first); // requeue: it comes back
      const second = (yield* subscription.next())!;
      channel.nack(second, { requeue: false }); // poison: gone for good
      yield* subscription.cancel();
      const left = (yield* channel.checkQueue(queue)).messageCount;
      yield* channel.deleteQueue(queue);
      return { first: first.redelivered, second: second.redelivered, body: second.body.toString(), left };
    });
    expect(seen).toEqual({ first: false, second: true, body: "try again", left: 0 });
  });

  it("holds at most `prefetch` unacked deliveries; each ack lets one more in", async () => {
    const queue = queueName("prefetch");
    const observed = await withChannel(url, function* (channel, connection) {
      yield* channel.assertQueue(queue);
      for (let i = 0; i < 10; i++) yield* channel.sendToQueue(queue, `task ${i}`);
      const observer = yield* connection.createChannel();
      yield* channel.prefetch(3);
      const subscription = yield* channel.subscribe(queue);
      // The broker has sent exactly 3 and keeps 7 ready: it waits for acks, not for us to read.
      let ready = -1;
      yield* eventually(() => subscription.waiting === 3, "3 deliveries");
      function* poll(): Operation<void> {
        for (;;) {
          ready = (yield* observer.checkQueue(queue)).messageCount;
          yield* sleep(0.02);
        }
      }
      const poller = yield* spawn(poll);
      yield* eventually(() => ready === 7, "7 messages ready in the queue");
      const heldBeforeAck = subscription.waiting;
      channel.ack((yield* subscription.next())!);
      yield* eventually(() => ready === 6 && subscription.waiting === 3, "one more delivery after one ack");
      const heldAfterAck = subscription.waiting;
      poller.halt();
      yield* channel.deleteQueue(queue);
      return { heldBeforeAck, heldAfterAck };
    });
    expect(observed).toEqual({ heldBeforeAck: 3, heldAfterAck: 3 });
  });

  it("serves the RPC pattern: a request with reply_to and correlation_id is answered on the client's exclusive reply queue", async () => {
    const tasks = queueName("rpc");
    const answer = await withChannel(url, function* (channel, connection) {
      yield* channel.assertQueue(tasks);

      // The responder: takes a task, publishes the answer to its reply_to with its correlation_id
      // and waits for the confirm, and only then acks (PROTOCOL §7).
      const responderChannel = yield* connection.createChannel();
      const requests = yield* responderChannel.subscribe(tasks);
      function* respond(): Operation<void> {
        for (let task = yield* requests.next(); task; task = yield* requests.next()) {
          const result = task.body.toString() === "calculator calculate 2 + 2" ? "4" : "ERROR unknown";
          yield* responderChannel.publish("", task.replyTo!, result, { correlationId: task.correlationId });
          responderChannel.ack(task);
        }
      }
      const responder = yield* spawn(respond);

      // The client: an exclusive, server-named reply queue, one correlation_id per request.
      const { queue: replyQueue } = yield* channel.assertQueue("", { exclusive: true, durable: false });
      const replies = yield* channel.subscribe(replyQueue, { noAck: true });
      const correlationId = randomUUID();
      yield* channel.sendToQueue(tasks, "calculator calculate 2 + 2", { replyTo: replyQueue, correlationId, persistent: true });
      const reply = (yield* replies.next())!;
      responder.halt();
      yield* channel.deleteQueue(tasks);
      return { body: reply.body.toString(), correlationId: reply.correlationId, expected: correlationId, replyQueue };
    });
    expect(answer.body).toBe("4");
    expect(answer.correlationId).toBe(answer.expected);
    expect(answer.replyQueue).toMatch(/^amq\.gen-/);
  });

  it("refuses another connection's use of an exclusive queue with ChannelClosedError 405, and the connection stays usable", async () => {
    const outcome = await withChannel(url, function* (channel) {
      const { queue } = yield* channel.assertQueue("", { exclusive: true, durable: false });
      const other = yield* connectAmqp(url);
      try {
        const intruder = yield* other.createChannel();
        let error: unknown;
        try {
          yield* intruder.subscribe(queue);
        } catch (caught) {
          error = caught;
        }
        const fresh = yield* other.createChannel(); // the connection survived its channel
        yield* fresh.assertQueue("", { exclusive: true, durable: false });
        return { error, intruderOpen: intruder.isOpen, otherOpen: other.isOpen };
      } finally {
        other.close();
      }
    });
    expect(outcome.error).toBeInstanceOf(ChannelClosedError);
    expect((outcome.error as ChannelClosedError).replyCode).toBe(405);
    expect((outcome.error as Error).message).toMatch(/exclusive queue is in use by another connection/);
    expect(outcome).toMatchObject({ intruderOpen: false, otherOpen: true });
  });

  it("says why when a queue is declared again with other options (406), then refuses that channel's later operations", async () => {
    const queue = queueName("mismatch");
    const outcome = await withChannel(url, function* (channel, connection) {
      yield* channel.assertQueue(queue, { durable: true });
      const errors: unknown[] = [];
      try {
        yield* channel.assertQueue(queue, { durable: false });
      } catch (error) {
        errors.push(error);
      }
      try {
        yield* channel.sendToQueue(queue, "after the channel closed");
      } catch (error) {
        errors.push(error);
      }
      const cleanup = yield* connection.createChannel();
      yield* cleanup.deleteQueue(queue);
      return errors;
    });
    expect(outcome).toHaveLength(2);
    for (const error of outcome) {
      expect(error).toBeInstanceOf(ChannelClosedError);
      expect((error as ChannelClosedError).replyCode).toBe(406);
    }
    expect((outcome[0] as Error).message).toMatch(/declaring queue .*PRECONDITION.FAILED.*delete it or declare it the same way/);
  });

  it("fails to connect with BrokerUnreachableError, and says what to check", async () => {
    const closedPort = await freePort();
    const refused = await runValue(function* () {
      try {
        yield* connectAmqp(`amqp://guest:guest@127.0.0.1:${closedPort}`, { timeout: 5 });
        return undefined;
      } catch (error) {
        return error;
      }
    });
    expect(refused).toBeInstanceOf(BrokerUnreachableError);
    expect(refused).toMatchObject({ reason: "refused", url: `amqp://guest@127.0.0.1:${closedPort}` });
    expect((refused as Error).message).toMatch(/connection refused: is RabbitMQ running there\?/);

    const badLogin = await runValue(function* () {
      try {
        yield* connectAmqp(url.replace("guest:guest@", "guest:wrong@"), { timeout: 5 });
        return undefined;
      } catch (error) {
        return error;
      }
    });
    expect(badLogin).toBeInstanceOf(BrokerUnreachableError);
    expect(badLogin).toMatchObject({ reason: "credentials" });
    expect((badLogin as Error).message).not.toContain("wrong"); // never the password
  });

  it("surfaces a cut connection as ConnectionLostError: to ended(), to a waiting subscriber and to later operations", async () => {
    const queue = queueName("cut");
    const outcome = await runValue(function* () {
      const connection = yield* connectAmqp(proxiedUrl(), { heartbeat: 1 });
      const channel = yield* connection.createChannel();
      yield* channel.assertQueue(queue, { exclusive: true, durable: false });
      const subscription = yield* channel.subscribe(queue);
      let subscriberError: unknown;
      function* waitForTask(): Operation<Delivery | undefined> {
        try {
          return yield* subscription.next();
        } catch (error) {
          subscriberError = error;
          return undefined;
        }
      }
      const subscriber = yield* spawn(waitForTask);
      yield* sleep(0.05); // let it wait
      proxy.cut();
      const loss = yield* connection.ended();
      yield* subscriber;
      let publishError: unknown;
      try {
        yield* channel.sendToQueue(queue, "too late");
      } catch (error) {
        publishError = error;
      }
      let channelError: unknown;
      try {
        yield* connection.createChannel();
      } catch (error) {
        channelError = error;
      }
      return { loss, subscriberError, publishError, channelError, isOpen: connection.isOpen };
    });
    expect(outcome.loss).toBeInstanceOf(ConnectionLostError);
    expect(outcome.loss!.message).toMatch(/^lost the connection to RabbitMQ at amqp:\/\/guest@127\.0\.0\.1:\d+: .*reconnect/);
    expect(outcome.subscriberError).toBe(outcome.loss);
    expect(outcome.publishError).toBe(outcome.loss);
    expect(outcome.channelError).toBe(outcome.loss);
    expect(outcome.isOpen).toBe(false);
  });

  it("notices a broker that stops answering by its missed heartbeats, and reports the loss", async () => {
    const started = Date.now();
    const loss = await runValue(function* () {
      const connection = yield* connectAmqp(proxiedUrl(), { heartbeat: 1 });
      yield* connection.createChannel();
      proxy.freeze(); // nothing gets through any more, and nothing is closed either
      return yield* connection.ended();
    });
    expect(loss).toBeInstanceOf(ConnectionLostError);
    expect(loss!.message).toMatch(/stopped answering \(missed heartbeats\)/);
    expect(Date.now() - started).toBeLessThan(10_000); // two to three heartbeat intervals
    proxy.cut(); // the frozen connection's other half
  });

  it("closes cleanly when asked: ended() reports no loss", async () => {
    const loss = await runValue(function* () {
      const connection = yield* connectAmqp(url);
      yield* connection.createChannel();
      yield* connection.closeAndWait();
      return connection.lost ?? "no loss";
    });
    expect(loss).toBe("no loss");
  });
});
