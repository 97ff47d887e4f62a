// Resets cost an attacker nothing; they must not cost the consumer a computation each
// (issue 11 item 9). A request whose client reset the connection while it waited its turn is
// skipped, and logged as such.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsumer, stopAll, type RunningConsumer } from "../helpers/processes.js";
import { connect, request } from "../helpers/tcp.js";
import { waitUntil } from "../helpers/wait.js";

let consumer: RunningConsumer;

beforeAll(async () => {
  consumer = await startConsumer(undefined, ["--log-format", "json"]);
});

afterAll(stopAll);

const events = (name: string): Record<string, unknown>[] =>
  consumer.stdoutLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e["event"] === name);

describe("a client that sends a costly request and resets", () => {
  it("is skipped before computing, logged as skipped, and the consumer stays fast", async () => {
    // Hold the consumer for a moment, so that every attacker waits its turn in line.
    const holding = await connect(consumer.port);
    holding.write("system sleep 300\n");
    const holder = holding.reply();
    const resets = 40;
    for (let i = 0; i < resets; i++) {
      const attacker = await connect(consumer.port);
      await new Promise<void>((resolve) => attacker.socket.write("fibonacci_generator calculate 1000000\n", () => resolve()));
      attacker.reset();
    }
    const honest = request(consumer.port, "system ping\n");
    expect((await holder).text).toBe("slept 300\n");
    const sleptAt = performance.now();
    expect((await honest).text).toBe("pong\n");
    // 40 × F(10⁶) would take seconds; skipping them takes milliseconds.
    const pingAfterMs = performance.now() - sleptAt;
    console.log(`pong ${pingAfterMs.toFixed(0)} ms after the sleep ended, behind ${resets} reset requests`);
    expect(pingAfterMs).toBeLessThan(1_000);

    await waitUntil(() => events("skipped").length === resets, `${resets} skipped events`);
    for (const skipped of events("skipped")) {
      expect(skipped).toMatchObject({ command: "fibonacci_generator calculate 1000000", message: expect.stringMatching(/^the client is gone \(ECONNRESET\); not computed$/) });
    }
    expect(events("request").filter((e) => e["command"] === "fibonacci_generator calculate 1000000")).toEqual([]);
  });

  it("still answers a client that half-closes after its request (no reset)", async () => {
    expect((await request(consumer.port, "fibonacci_generator calculate 10\n", { halfClose: true })).text).toBe("55\n");
  });
});
