// The wire protocol (PROTOCOL §1–§2) against the real consumer process over raw TCP.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fibonacci } from "../../src/consumer/fibonacci.js";
import { startConsumer, stopAll, type RunningConsumer } from "../helpers/processes.js";
import { connect, request } from "../helpers/tcp.js";

let consumer: RunningConsumer;

beforeAll(async () => {
  consumer = await startConsumer(undefined, ["--read-timeout", "0.5", "--max-request-bytes", "1000", "--log-format", "json"]);
});

afterAll(stopAll);

const send = (payload: string | Uint8Array, halfClose = false) => request(consumer.port, payload, { halfClose });

describe("framing: where a request ends", () => {
  it("at a newline", async () => {
    expect((await send("system ping\n")).text).toBe("pong\n");
  });

  it("at a CRLF, the \\r dropped", async () => {
    expect((await send("system ping\r\n")).text).toBe("pong\n");
  });

  it("at the client's half-close", async () => {
    const reply = await send("system ping", true);
    expect(reply.text).toBe("pong\n");
    expect(reply.elapsedMs).toBeLessThan(90); // sooner than the quiet period
  });

  it("after 100 ms of quiet, for a client that sends no newline and waits (Python style)", async () => {
    const reply = await send("fibonacci_generator calculate 10");
    expect(reply.text).toBe("55\n");
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(95);
    expect(reply.elapsedMs).toBeLessThan(450); // well under the 0.5 s read timeout
  });

  it("at the newline even when the request arrives in pieces", async () => {
    const client = await connect(consumer.port);
    for (const piece of ["fibonacci_", "generator calc", "ulate 1", "00\r", "\n"]) client.write(piece);
    expect((await client.reply()).text).toBe("354224848179261915075\n");
  });

  it("with tokens separated by several spaces and spaces at either end", async () => {
    expect((await send("   neural_analyzer    polarity   I   love   cats   \n")).text).toBe("0.2\n");
  });
});

describe("handlers", () => {
  it.each([
    ["fibonacci_generator calculate 0", "0"],
    ["fibonacci_generator calculate 1", "1"],
    ["fibonacci_generator calculate 10", "55"],
    ["fibonacci_generator calculate 007", "13"],
    ["fibonacci_generator calculate 100", "354224848179261915075"],
    ["neural_analyzer polarity This is bad", "-0.2"],
    ["neural_analyzer polarity hello world", "0"],
    ["system ping", "pong"],
  ])("%s → %s", async (command, result) => {
    expect((await send(command + "\n")).text).toBe(result + "\n");
  });

  it("calculates F(1000000) exactly", async () => {
    const reply = await send("fibonacci_generator calculate 1000000\n");
    expect(reply.text).toBe(fibonacci(1_000_000).toString() + "\n");
  });
});

describe("every error code", () => {
  const codeOf = (text: string) => /^ERROR ([a-z_]+): .+\n$/.exec(text)?.[1];

  it.each([
    ["empty request", "\n"],
    ["only spaces", "    \n"],
    ["one token", "system\n"],
    ["a tab between tokens", "system\tping\n"],
    ["a NUL byte", "system\u0000 ping\n"],
    ["DEL", "system ping\u007f\n"],
    ["a stray \\r", "system\r ping\n"],
  ])("bad_request: %s", async (_, payload) => {
    expect(codeOf((await send(payload)).text)).toBe("bad_request");
  });

  it("bad_request: invalid UTF-8", async () => {
    expect(codeOf((await send(Buffer.from([0x73, 0x79, 0x73, 0xff, 0x20, 0x70, 0x0a]))).text)).toBe("bad_request");
  });

  it("bad_request: a client that half-closes without sending anything", async () => {
    expect(codeOf((await send("", true)).text)).toBe("bad_request");
  });

  it.each(["nope ping", "System ping", "constructor name", "__proto__ x", "toString x", "_system ping"])("unknown_handler: %s", async (command) => {
    expect(codeOf((await send(command + "\n")).text)).toBe("unknown_handler");
  });

  it.each(["system pong", "system PING", "system constructor", "system __proto__", "system hasOwnProperty", "system _ping", "fibonacci_generator toString"])(
    "unknown_method: %s",
    async (command) => {
      expect(codeOf((await send(command + "\n")).text)).toBe("unknown_method");
    },
  );

  it.each([
    "fibonacci_generator calculate",
    "fibonacci_generator calculate 1 2",
    "fibonacci_generator calculate -1",
    "fibonacci_generator calculate 1.5",
    "fibonacci_generator calculate 1e3",
    "fibonacci_generator calculate 0x10",
    "fibonacci_generator calculate 1000001",
    "neural_analyzer polarity",
    "system ping now",
  ])("bad_argument: %s", async (command) => {
    const reply = (await send(command + "\n")).text;
    expect(codeOf(reply)).toBe("bad_argument");
  });

  it("too_large: a request over --max-request-bytes, answered without waiting for its end", async () => {
    const client = await connect(consumer.port);
    client.write("neural_analyzer polarity " + "a".repeat(2000)); // no newline, connection left open
    const reply = await client.reply(2_000);
    expect(codeOf(reply.text)).toBe("too_large");
    expect(reply.elapsedMs).toBeLessThan(400); // not the quiet period's 100 ms plus, nor the timeout
  });

  it("too_large: the reply survives a client that keeps sending", async () => {
    const client = await connect(consumer.port);
    const junk = "x".repeat(64 * 1024);
    for (let i = 0; i < 16; i++) client.write(junk);
    expect(codeOf((await client.reply()).text)).toBe("too_large");
  });

  it("timeout: a silent client, within the read timeout", async () => {
    const reply = await send("");
    expect(codeOf(reply.text)).toBe("timeout");
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(450);
    expect(reply.elapsedMs).toBeLessThan(1_500);
  });

  // internal: no real handler has a bug to show; test/consumer/server.test.ts runs the same
  // server in-process with one that throws.
});

describe("hostile bytes", () => {
  const validReply = /^(ERROR (bad_request|unknown_handler|unknown_method|bad_argument|too_large|timeout|internal): [^\n]+|[^\n]*)\n$/;
  const junk = fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 1200 }) },
    {
      weight: 2,
      arbitrary: fc
        .array(
          fc.oneof(
            fc.constantFrom("fibonacci_generator", "calculate", "neural_analyzer", "polarity", "system", "ping", "constructor", "__proto__", "\r", "\n", "\t", "\u0000", " ", "  "),
            fc.nat({ max: 5000 }).map(String),
            fc.string({ maxLength: 10 }),
          ),
          { maxLength: 8 },
        )
        .map((parts) => new TextEncoder().encode(parts.join(" "))),
    },
  );

  it("answers 2,000 random byte strings each with one line, and still works afterwards", async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(junk, async (bytes) => {
        count++;
        const reply = await send(bytes, true);
        expect(reply.text).toMatch(validReply);
      }),
      { numRuns: 2_000 },
    );
    expect(count).toBe(2_000);
    expect((await send("system ping\n")).text).toBe("pong\n");
    expect((await send("fibonacci_generator calculate 10\n")).text).toBe("55\n");
    expect(consumer.child.exitCode).toBeNull();
  }, 60_000);
});
