import { configDefaults, defineConfig } from "vitest/config";

// Tests that need RabbitMQ are named *.broker.test.ts. run_rpc_tests.sh runs them in a second
// phase (RPC_TEST_PHASE=broker), once the private broker it started during the first is up;
// without RPC_TEST_PHASE (`npx vitest`) everything runs, and the broker tests skip themselves
// unless RPC_TEST_AMQP_URL names a broker.
const brokerTests = "test/**/*.broker.test.ts";
const phase = process.env.RPC_TEST_PHASE;

export default defineConfig({
  test: {
    include: phase === "broker" ? [brokerTests] : ["test/**/*.test.ts"],
    exclude: phase === "main" ? [...configDefaults.exclude, brokerTests] : configDefaults.exclude,
    globalSetup: ["test/global-setup.ts"],
    // Real processes and sockets: give slow CI machines room, but every wait inside a test is a bounded poll.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
