// A broker that stops while we are connected: what a producer sees, so that it can log
// broker_down and reconnect. A second private broker of this test's own, as stopping the run's
// broker would take it from the other tests.
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAmqp, ConnectionLostError } from "../../src/amqp/index.js";
import { type Operation } from "../../src/loop/index.js";
import { describeWithBroker, startPrivateBroker, type PrivateBroker } from "../helpers/broker.js";
import { runValue } from "../loop/run-loop.js";

describeWithBroker("a broker that stops under an open connection", () => {
  let broker: PrivateBroker | undefined;

  beforeAll(async () => {
    broker = await startPrivateBroker();
  }, 120_000);
  afterAll(async () => {
    await broker?.stop();
  }, 60_000);

  it("ends the connection with ConnectionLostError 320 (shutdown), to ended() and to the waiting subscriber", async () => {
    let stopping: Promise<void> | undefined;
    const outcome = await runValue(function* (): Operation<{ loss: unknown; subscriberError: unknown }> {
      const connection = yield* connectAmqp(broker!.url, { name: "broker-stop test" });
      const channel = yield* connection.createChannel();
      yield* channel.assertQueue("tasks");
      const subscription = yield* channel.subscribe("tasks");
      stopping = broker!.stop(); // scripts/broker.sh stop: rabbitmqctl stop, as an operator would
      const loss = yield* connection.ended();
      try {
        yield* subscription.next();
        return { loss, subscriberError: undefined };
      } catch (error) {
        return { loss, subscriberError: error };
      }
    });
    await stopping;
    expect(outcome.loss).toBeInstanceOf(ConnectionLostError);
    expect(outcome.loss).toMatchObject({ replyCode: 320 });
    expect((outcome.loss as Error).message).toMatch(/the broker is shutting down, or an operator closed it; reconnect/);
    expect(outcome.subscriberError).toBe(outcome.loss);
  }, 60_000);
});
