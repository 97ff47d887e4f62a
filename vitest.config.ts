import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

// Two projects: `unit` runs in process (no build), `e2e` runs the programs as users do, so only it
// builds dist/ first (its globalSetup runs only when one of its files is selected).
//   npx vitest run test/loop          unit tests only, nothing built
//   npx vitest run --project e2e      the end-to-end tests, after a build
//   ./run_rpc_tests.sh                both
//
// Tests that need RabbitMQ are named *.broker.test.ts, in either project. run_rpc_tests.sh runs
// them apart, against the private broker it started (RPC_TEST_BROKER=only), and the others
// without them (RPC_TEST_BROKER=none); unset, everything runs, and the broker tests skip
// themselves unless RPC_TEST_AMQP_URL names a broker.
const brokerTests = "**/*.broker.test.ts";
const selection = process.env.RPC_TEST_BROKER;

/** The e2e test files that do not need the broker (an exclude list: e2e's include stays as it is). */
function e2eFilesWithoutBroker(): string[] {
  const root = import.meta.dirname;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
  return walk(join(root, "test", "e2e"))
    .filter((file) => file.endsWith(".test.ts") && !file.endsWith(".broker.test.ts"))
    .map((file) => relative(root, file));
}

const withoutBrokerTests = selection === "none" ? [brokerTests] : [];

export default defineConfig({
  test: {
    // Real processes and sockets: give slow CI machines room, but every wait inside a test is a bounded poll.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: selection === "only" ? ["test/**/*.broker.test.ts"] : ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/e2e/**", ...withoutBrokerTests],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...withoutBrokerTests, ...(selection === "only" ? e2eFilesWithoutBroker() : [])],
          globalSetup: ["test/global-setup.ts"],
        },
      },
    ],
  },
});
