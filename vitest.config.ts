import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Real processes and sockets: give slow CI machines room, but every wait inside a test is a bounded poll.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
