// The consumer is blocking (PROTOCOL §3): one connection at a time, in arrival order, and a client
// waiting its turn is neither read nor timed out. Against the real process over raw TCP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fibonacci } from "../../src/consumer/fibonacci.js";
import { startConsumer, stopAll, type RunningConsumer } from "../helpers/processes.js";
import { connect, request } from "../helpers/tcp.js";
import { waitUntil } from "../helpers/wait.js";

let consumer: RunningConsumer;

beforeAll(async () => {
  consumer = await startConsumer(undefined, ["--read-timeout", "0.5", "--log-format", "json"]);
});

afterAll(stopAll);

describe("one connection at a time, in arrival order", () => {
  it("answers a silent client ERROR timeout within the read timeout, then serves the next one at once", async () => {
    const silent = await connect(consumer.port);
    const next = await connect(consumer.port);
    next.write("system ping\n");
    const [timedOut, served] = await Promise.all([silent.reply(), next.reply()]);
    expect(timedOut.text).toMatch(/^ERROR timeout: /);
    expect(timedOut.elapsedMs).toBeGreaterThanOrEqual(450);
    expect(timedOut.elapsedMs).toBeLessThan(1_500);
    expect(served.text).toBe("pong\n");
    expect(served.endedAt - timedOut.endedAt).toBeLessThan(300);
  });

  it("serves two concurrent F(1000000) requests one after the other, both exact", async () => {
    const expected = fibonacci(1_000_000).toString() + "\n";
    const first = await connect(consumer.port);
    const second = await connect(consumer.port);
    first.write("fibonacci_generator calculate 1000000\n");
    second.write("fibonacci_generator calculate 1000000\n");
    const [a, b] = await Promise.all([first.reply(), second.reply()]);
    expect(a.text).toBe(expected);
    expect(b.text).toBe(expected);
    expect(b.endedAt).toBeGreaterThan(a.endedAt);
  });

  it("does not read a waiting client before the reply in hand is written", async () => {
    const head = await connect(consumer.port);
    head.write("fibonacci_generator"); // no newline yet: the head holds the server
    const waiting = await connect(consumer.port);
    waiting.write("system ping\n");
    waiting.end();
    // A server that read both would have answered the complete request by now; a short look,
    // well inside the head's 100 ms quiet period.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(waiting.received().length).toBe(0);
    head.write(" calculate 20\n");
    const [first, second] = await Promise.all([head.reply(), waiting.reply()]);
    expect(first.text).toBe("6765\n");
    expect(second.text).toBe("pong\n");
  });

  it("never times out a client while it waits its turn, however long the wait", async () => {
    const silentOnes = await Promise.all([connect(consumer.port), connect(consumer.port)]);
    const patient = await connect(consumer.port);
    patient.write("system ping\n"); // sent at once, then ~1 s in line: twice the read timeout
    const replies = await Promise.all([...silentOnes.map((c) => c.reply()), patient.reply()]);
    expect(replies.slice(0, 2).map((r) => r.text.slice(0, 14))).toEqual(["ERROR timeout:", "ERROR timeout:"]);
    expect(replies[2]?.text).toBe("pong\n");
    expect(replies[2]?.elapsedMs).toBeGreaterThan(900);
  });

  it("serves the next client after one that resets mid-request", async () => {
    const rude = await connect(consumer.port);
    rude.write("fibonacci_generator calc");
    rude.reset();
    expect((await request(consumer.port, "system ping\n")).text).toBe("pong\n");
    // Gone mid-request; or skipped, when the reset arrived with its bytes (they then end the
    // request as a half-close would, and the consumer finds the client gone before computing).
    await consumer.waitForLine(/"event":"(client_gone|skipped)"/);
  });

  it("serves a crowd of 200 concurrent clients, each its own answer", async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect(consumer.port)));
    clients.forEach((client, i) => {
      client.write(`fibonacci_generator calculate ${i}\n`);
    });
    const replies = await Promise.all(clients.map((client) => client.reply(20_000)));
    expect(replies.map((r) => r.text)).toEqual(clients.map((_, i) => `${fibonacci(i)}\n`));
  });

  it("logs one request line per served connection, in order", async () => {
    const before = consumer.stdoutLines.length;
    for (const n of [1, 2, 3]) await request(consumer.port, `fibonacci_generator calculate ${n}\n`);
    const requestLines = () =>
      consumer.stdoutLines
        .slice(before)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry["event"] === "request");
    const ours = () => requestLines().filter((r) => /^fibonacci_generator calculate [123]$/.test(String(r["command"])));
    await waitUntil(() => ours().length >= 3, "three request lines");
    const requests = ours();
    expect(requests.map((r) => r["command"])).toEqual([1, 2, 3].map((n) => `fibonacci_generator calculate ${n}`));
    expect(requests.every((r) => r["outcome"] === "ok" && typeof r["duration_ms"] === "number" && typeof r["time"] === "string")).toBe(true);
  });
});
