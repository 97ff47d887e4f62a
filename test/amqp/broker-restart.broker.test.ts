// A broker that restarts under an open connection: what a producer sees and does, so that it can
// log broker_down, reconnect with back-off and log broker_up. A second private broker of this
// test's own: restarting the run's broker would take it from the other tests.
import { expect, it } from "vitest";
import { backoff, BrokerUnreachableError, connectAmqp, ConnectionLostError, type AmqpConnection } from "../../src/amqp/index.js";
import { sleep, type Operation } from "../../src/loop/index.js";
import { describeWithBroker, usePrivateBroker } from "../helpers/broker.js";
import { runValue } from "../loop/run-loop.js";

/** The caller's policy: try again after each refusal, with capped back-off, for at most `seconds`. */
function* reconnect(url: string, seconds: number): Operation<{ connection: AmqpConnection; refusals: number }> {
  const deadline = Date.now() + seconds * 1000;
  const delays = backoff({ initial: 0.1, max: 1 });
  for (let refusals = 0; ; refusals++) {
    try {
      return { connection: yield* connectAmqp(url, { timeout: 5 }), refusals };
    } catch (error) {
      if (!(error instanceof BrokerUnreachableError) || Date.now() > deadline) throw error;
    }
    yield* sleep(delays.next().value);
  }
}

describeWithBroker("a broker that restarts under an open connection", () => {
  const privateBroker = usePrivateBroker();

  it("ends the connection with ConnectionLostError 320; reconnecting with back-off finds the broker again, with its durable queue and persistent messages", async () => {
    let restarting: Promise<void> | undefined;
    const outcome = await runValue(function* () {
      const connection = yield* connectAmqp(privateBroker().url, { name: "restart test" });
      const channel = yield* connection.createChannel();
      yield* channel.assertQueue("tasks"); // durable
      yield* channel.sendToQueue("tasks", "calculator calculate 1 + 1", { persistent: true });
      const subscription = yield* channel.subscribe("tasks", { exclusive: true });
      const taken = (yield* subscription.next())!; // held, never acked: it goes back to the queue

      restarting = privateBroker().restart(); // rabbitmqctl stop, as an operator would; then start again
      const loss = yield* connection.ended();
      let subscriberError: unknown;
      try {
        yield* subscription.next();
      } catch (error) {
        subscriberError = error;
      }

      const { connection: again, refusals } = yield* reconnect(privateBroker().url, 120);
      try {
        const fresh = yield* again.createChannel();
        const queue = yield* fresh.checkQueue("tasks");
        return { loss, subscriberError, refusals, taken: taken.body.toString(), queue };
      } finally {
        again.close();
      }
    });
    await restarting;
    expect(outcome.loss).toBeInstanceOf(ConnectionLostError);
    expect(outcome.loss).toMatchObject({ replyCode: 320 });
    expect((outcome.loss as Error).message).toMatch(/the broker is shutting down, or an operator closed it; reconnect/);
    expect(outcome.subscriberError).toBe(outcome.loss);
    expect(outcome.refusals).toBeGreaterThan(0); // it was down for a while, and the caller kept trying
    expect(outcome.taken).toBe("calculator calculate 1 + 1");
    expect(outcome.queue).toMatchObject({ queue: "tasks", messageCount: 1 });
  }, 180_000);
});
