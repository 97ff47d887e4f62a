// The RabbitMQ the broker tests (*.broker.test.ts) run against. ./run_rpc_tests.sh starts one
// private broker for the run and exports its URL as RPC_TEST_AMQP_URL; when none can be had it
// says why in RPC_TEST_AMQP_SKIP and the tests are skipped (and counted as skipped), and when one
// should have started but did not, RPC_TEST_AMQP_ERROR makes them fail with the reason.
// Run alone: `eval "$(scripts/broker.sh start)"; RPC_TEST_AMQP_URL=$RPC_BROKER_URL npx vitest run test/amqp`.
import { afterAll, beforeAll, describe } from "vitest";
import { startPrivateBroker, type PrivateBroker } from "../../scripts/lib/broker.js";

/** The broker's URL, when the tests have one. */
export const brokerUrl: string | undefined = process.env.RPC_TEST_AMQP_URL || undefined;

const brokerError = process.env.RPC_TEST_AMQP_ERROR || undefined;

/** Why the broker tests are skipped, when they are. */
export const brokerSkipReason: string | undefined =
  brokerUrl !== undefined || brokerError !== undefined
    ? undefined
    : (process.env.RPC_TEST_AMQP_SKIP ?? "RPC_TEST_AMQP_URL is not set (./run_rpc_tests.sh starts a private broker for the run)");

/**
 * `describe` for tests that need the broker: skipped (with the reason in the title) when there is
 * none, failing with the reason when the run expected one and it did not start.
 */
export function describeWithBroker(title: string, body: (url: string) => void): void {
  const fullTitle = brokerSkipReason === undefined ? title : `${title} [skipped: ${brokerSkipReason}]`;
  describe.skipIf(brokerSkipReason !== undefined)(fullTitle, () => {
    beforeAll(() => {
      if (brokerError !== undefined) throw new Error(brokerError);
    });
    body(brokerUrl ?? "amqp://unavailable");
  });
}

export { startPrivateBroker, type PrivateBroker } from "../../scripts/lib/broker.js";

/**
 * A private broker for the tests of one `describe` (started before them, stopped after): for
 * tests that stop or restart a broker, which the run's shared one must not be. Read it in a test.
 */
export function usePrivateBroker(): () => PrivateBroker {
  let broker: PrivateBroker | undefined;
  beforeAll(async () => {
    broker = await startPrivateBroker();
  }, 120_000);
  afterAll(async () => {
    await broker?.stop();
  }, 60_000);
  return () => {
    if (broker === undefined) throw new Error("the private broker did not start (see beforeAll)");
    return broker;
  };
}
