// RabbitMQ's RPC client pattern on the loop, against a tiny responder written in the test: what
// `./run_rpc_client.sh --amqp URL COMMAND` will use.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAmqp, ConnectionLostError, type AmqpConnection, type Delivery } from "../../src/amqp/index.js";
import { AmqpRpcClient } from "../../src/amqp/rpc-client.js";
import { sleep, spawn, TimeoutError, type Operation } from "../../src/loop/index.js";
import { describeWithBroker } from "../helpers/broker.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";
import { runValue } from "../loop/run-loop.js";

/** How the test responder treats the tasks it takes. */
interface Responder {
  /** Answer `batch` tasks at a time, last first (to show answers find their call by correlation_id). */
  readonly batch?: number;
  /** Send every answer this many times (at-least-once delivery, seen from the client). */
  readonly copies?: number;
}

/** A responder on its own connection: takes tasks, answers `echo: BODY` to reply_to, then acks. */
function* respond(connection: AmqpConnection, queue: string, { batch = 1, copies = 1 }: Responder): Operation<void> {
  const channel = yield* connection.createChannel();
  yield* channel.assertQueue(queue);
  yield* channel.prefetch(batch);
  const tasks = yield* channel.subscribe(queue);
  for (;;) {
    const taken: Delivery[] = [];
    while (taken.length < batch) taken.push((yield* tasks.next())!);
    for (const task of taken.reverse()) {
      for (let copy = 0; copy < copies; copy++) {
        yield* channel.publish("", task.replyTo!, `echo: ${task.body.toString()}`, { correlationId: task.correlationId });
      }
      channel.ack(task);
    }
  }
}

describeWithBroker("AmqpRpcClient: RabbitMQ's RPC pattern", (url) => {
  const queue = (): string => `test.rpc.${randomUUID().slice(0, 8)}`;
  let proxy: TcpProxy;

  beforeAll(async () => {
    proxy = await startTcpProxy(Number(new URL(url).port));
  });
  afterAll(async () => {
    await proxy?.close();
  });

  /** Runs `body` with a client on `tasks` and, unless told otherwise, a responder; closes everything after. */
  function withClient<T>(tasks: string, responder: Responder | undefined, body: (client: AmqpRpcClient) => Operation<T>, clientUrl = url): Promise<T> {
    return runValue(function* () {
      const serverSide = yield* connectAmqp(url, { name: "test responder" });
      const clientSide = yield* connectAmqp(clientUrl, { name: "test client" });
      try {
        const responding = responder === undefined ? undefined : yield* spawn(() => respond(serverSide, tasks, responder));
        const client = yield* AmqpRpcClient.open(clientSide, { queue: tasks, timeout: 10 });
        const result = yield* body(client);
        responding?.halt(); // before its queue goes: the broker would cancel its subscription
        const cleanup = yield* serverSide.createChannel();
        yield* cleanup.deleteQueue(tasks);
        return result;
      } finally {
        clientSide.close();
        serverSide.close();
      }
    });
  }

  it("returns the answer to its own request", async () => {
    const answer = await withClient(queue(), {}, (client) => client.call("system ping"));
    expect(answer).toBe("echo: system ping");
  });

  it("matches each answer to its call by correlation_id, with many calls in flight answered in another order", async () => {
    const answers = await withClient(queue(), { batch: 10 }, function* (client) {
      const calls = [];
      for (let i = 0; i < 10; i++) calls.push(yield* spawn(() => client.call(`calculator calculate ${i} + 1`)));
      const results: string[] = [];
      for (const call of calls) results.push(yield* call);
      return results;
    });
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => `echo: calculator calculate ${i} + 1`));
  });

  it("keeps the first answer when one comes twice (at least once), and counts the other as ignored", async () => {
    const outcome = await withClient(queue(), { copies: 2 }, function* (client) {
      const answer = yield* client.call("system ping");
      const deadline = Date.now() + 5000;
      while (client.ignoredReplies < 1 && Date.now() < deadline) yield* sleep(0.01);
      return { answer, ignored: client.ignoredReplies, inFlight: client.inFlight };
    });
    expect(outcome).toEqual({ answer: "echo: system ping", ignored: 1, inFlight: 0 });
  });

  it("gives up with TimeoutError when no answer comes in time, and the request stays queued for a producer", async () => {
    const tasks = queue();
    const outcome = await withClient(tasks, undefined, function* (client) {
      let error: unknown;
      try {
        yield* client.call("system ping", { timeout: 0.3 });
      } catch (caught) {
        error = caught;
      }
      return { error, inFlight: client.inFlight };
    });
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    expect((outcome.error as Error).message).toBe('the answer to "system ping" through RabbitMQ timed out after 0.3 s');
    expect(outcome.inFlight).toBe(0);
  });

  it("fails the calls in flight with ConnectionLostError when its connection is cut", async () => {
    const proxied = url.replace(`:${new URL(url).port}`, `:${proxy.port}`);
    const error = await withClient(
      queue(),
      undefined,
      function* (client) {
        const call = yield* spawn(function* () {
          try {
            yield* client.call("system ping");
            return undefined;
          } catch (caught) {
            return caught;
          }
        });
        while (client.inFlight === 0) yield* sleep(0.01);
        yield* sleep(0.05); // published and waiting for its answer
        proxy.cut();
        return yield* call;
      },
      proxied,
    );
    expect(error).toBeInstanceOf(ConnectionLostError);
  });
});
