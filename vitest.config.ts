import { configDefaults, defineConfig } from "vitest/config";

// Two projects: `unit` runs in process (no build), `e2e` runs the programs as users do, so only it
// builds dist/ first (its globalSetup runs only when one of its files is selected).
//   npx vitest run test/loop          unit tests only, nothing built
//   npx vitest run --project e2e      the end-to-end tests, after a build
//   ./run_rpc_tests.sh                both
export default defineConfig({
  test: {
    // Real processes and sockets: give slow CI machines room, but every wait inside a test is a bounded poll.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, "test/e2e/**"] },
      },
      {
        extends: true,
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] },
      },
    ],
  },
});
