// The consumer's log under a stalled reader (issue 11 item 8): stdout a pipe that is not read must
// not make the consumer hold its log in memory without limit. Past 1 MiB pending it drops lines,
// and says how many when the reader catches up.
import { afterEach, describe, expect, it } from "vitest";
import { startConsumer, stopAll } from "../helpers/processes.js";
import { request } from "../helpers/tcp.js";
import { waitUntil } from "../helpers/wait.js";

afterEach(stopAll);

describe("the consumer's log, read by no one for a while", () => {
  it("drops lines past 1 MiB pending and reports the count once the reader catches up", async () => {
    const consumer = await startConsumer(undefined, ["--log-format", "json"]);
    const { port } = consumer;
    consumer.child.stdout!.pause(); // from here on, nobody reads the consumer's log

    // Each refusal logs a ~380-byte line (the command cut to 80 characters, the error message):
    // 6,000 of them are 2.3 MB, past the limit plus what the pipe itself holds.
    const total = 6_000;
    let sent = 0;
    const client = async (): Promise<void> => {
      while (sent < total) {
        sent++;
        expect((await request(port, `${"x".repeat(200)}\n`)).text).toMatch(/^ERROR bad_request/);
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));

    const before = consumer.stdout().length;
    consumer.child.stdout!.resume();
    await waitUntil(() => consumer.stdout().includes('"event":"log_dropped"', before), "the log_dropped event", 15_000);
    const out = consumer.stdout().slice(before);
    const events = out.trim().split("\n").map((line) => JSON.parse(line) as { event: string; lines?: number });
    const dropped = events.find((e) => e.event === "log_dropped")!;
    const logged = events.filter((e) => e.event === "request").length;
    expect(dropped.lines).toBeGreaterThan(0);
    expect(logged + dropped.lines!).toBe(total);
    // What was held is about the limit (plus the pipe's 64 KiB), not the whole log.
    expect(out.length).toBeLessThan(1.5 * 1024 * 1024);
    expect((out.length / logged) * total).toBeGreaterThan(2 * 1024 * 1024);
  });
});
