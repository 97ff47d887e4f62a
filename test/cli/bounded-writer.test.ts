// A stalled log reader must not make a program buffer its log without limit (issue 11 item 8).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { waitUntil } from "../helpers/wait.js";

describe("BoundedWriter, with a real child whose stdout pipe is not read", () => {
  it("keeps what is pending under its limit, drops lines, and says how many once the reader catches up", async () => {
    const lines = 20_000; // ~2.1 MB of log, far beyond a pipe's 64 KiB
    const limit = 64 * 1024;
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", "flood.ts"), String(lines), String(limit)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      child.stdout.pause(); // the stalled reader: nothing is read until the child has written everything
      let report = "";
      child.stderr.on("data", (chunk: Buffer) => (report += chunk.toString()));
      await waitUntil(() => report.includes("\n"), "the child to finish writing", 15_000);
      const { maxPending, dropped } = JSON.parse(report) as { maxPending: number; dropped: number };
      expect(maxPending).toBeLessThanOrEqual(limit + 200); // one line past the limit at most
      expect(dropped).toBeGreaterThan(lines / 2);

      // The reader catches up: every line not dropped arrives, then the count of those that were.
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.stdout.resume();
      await waitUntil(() => /dropped \d+\n/.test(out), "the dropped-lines notice", 15_000);
      const received = out.split("\n").filter((line) => line.startsWith("line ")).length;
      expect(out).toMatch(new RegExp(`dropped ${dropped}\\n$`));
      expect(received + dropped).toBe(lines);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
