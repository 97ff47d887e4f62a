// The consumer's command line and lifecycle (PROTOCOL §3), as a user meets them: the script from
// any directory, --help, bad usage, a port in use, the log formats, and signals.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { fibonacci } from "../../src/consumer/fibonacci.js";
import { bundleCommand, freePort, occupiedPort, repoRoot, runToExit, startConsumer, stopAll } from "../helpers/processes.js";
import { connect, request } from "../helpers/tcp.js";

const script = join(repoRoot, "run_rpc_consumer.sh");
const elsewhere = mkdtempSync(join(tmpdir(), "consumer-cwd-"));

afterEach(stopAll);
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe("./run_rpc_consumer.sh", () => {
  it("starts from any directory, binds 127.0.0.1 and prints listening on HOST:PORT", async () => {
    const port = await freePort();
    const started = performance.now();
    const consumer = await startConsumer(port, [], { viaScript: true, cwd: elsewhere });
    const startupMs = performance.now() - started;
    expect(consumer.stdoutLines.find((line) => line.includes("listening on"))).toContain(`listening on 127.0.0.1:${port}`);
    expect(startupMs).toBeLessThan(5_000); // ~0.3 s here; the 1 s goal is measured by hand, not under test load
    expect((await request(port, "system ping\n")).text).toBe("pong\n");
  });

  it("--help lists every option with its default and exits 0", async () => {
    const result = await runToExit(script, ["--help"], { cwd: elsewhere });
    expect(result.code).toBe(0);
    for (const option of ["PORT", "--host", "--max-fib", "--read-timeout", "--max-request-bytes", "--log-format", "--help"]) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stdout).toMatch(/default: 127\.0\.0\.1/);
  });

  it.each([[[]], [["0"]], [["65536"]], [["http"]], [["-5"]], [["5000", "--nope"]], [["5000", "--log-format", "yaml"]], [["5000", "--read-timeout", "-1"]]])(
    "bad usage %j: one line on stderr, exit 2",
    async (args) => {
      const result = await runToExit(script, args, { cwd: elsewhere });
      expect(result.code).toBe(2);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: /);
      expect(result.stdout).toBe("");
    },
  );

  it("a port in use: a clear line, exit 1", async () => {
    const held = await occupiedPort();
    try {
      const result = await runToExit(script, [String(held.port)]);
      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(`127.0.0.1:${held.port}`);
      expect(result.stderr).toMatch(/already in use/);
    } finally {
      await held.close();
    }
  });

  it("a --host that is no address of this machine: a clear line, exit 2", async () => {
    const [node, args] = bundleCommand("consumer", [String(await freePort()), "--host", "192.0.2.1"]);
    const result = await runToExit(node, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot listen on 192\.0\.2\.1:\d+: .*check --host\n$/);
  });
});

describe("options", () => {
  it("--max-fib bounds N", async () => {
    const consumer = await startConsumer(undefined, ["--max-fib", "50"]);
    expect((await request(consumer.port, "fibonacci_generator calculate 50\n")).text).toBe("12586269025\n");
    expect((await request(consumer.port, "fibonacci_generator calculate 51\n")).text).toMatch(/^ERROR bad_argument: .*0\.\.50/);
  });

  it("--max-request-bytes bounds the request", async () => {
    const consumer = await startConsumer(undefined, ["--max-request-bytes", "11"]);
    expect((await request(consumer.port, "system ping\n")).text).toBe("pong\n");
    expect((await request(consumer.port, "system  ping\n")).text).toMatch(/^ERROR too_large: /);
  });

  it("--log-format json: one JSON object per line, listening included", async () => {
    const consumer = await startConsumer(undefined, ["--log-format", "json"]);
    await request(consumer.port, "system ping\n");
    await consumer.waitForLine('"event":"request"');
    const events = consumer.stdoutLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ event: "listening", message: `listening on 127.0.0.1:${consumer.port}` });
    expect(events.find((e) => e["event"] === "request")).toMatchObject({ command: "system ping", outcome: "ok" });
  });
});

describe("signals", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} during a request: the reply still arrives, then exit 0`, async () => {
      const consumer = await startConsumer(undefined, ["--log-format", "json"]);
      const client = await connect(consumer.port);
      client.write("fibonacci_generator calculate 1000000\n");
      // Long enough for the consumer to accept the connection, shorter than the ~70 ms of work.
      await new Promise((resolve) => setTimeout(resolve, 20));
      consumer.child.kill(signal);
      const reply = await client.reply();
      expect(reply.text).toBe(fibonacci(1_000_000).toString() + "\n");
      expect(await consumer.exited()).toEqual({ code: 0, signal: null });
      expect(consumer.stdout()).toContain('"event":"shutdown"');
    });
  }

  it("SIGTERM when idle: exit 0 at once", async () => {
    const consumer = await startConsumer();
    consumer.child.kill("SIGTERM");
    expect(await consumer.exited(3_000)).toEqual({ code: 0, signal: null });
  });

  it("SIGTERM closes the clients still waiting without reading them", async () => {
    const consumer = await startConsumer(undefined, ["--read-timeout", "5"]);
    const inHand = await connect(consumer.port);
    const waiting = await connect(consumer.port);
    waiting.write("system ping\n");
    await new Promise((resolve) => setTimeout(resolve, 20));
    consumer.child.kill("SIGTERM");
    // Closed unread: an empty reply or a reset, both a transport failure for a producer.
    expect(await waiting.reply().then((r) => r.text, () => "")).toBe("");
    inHand.write("system ping\n");
    expect((await inHand.reply()).text).toBe("pong\n");
    expect((await consumer.exited()).code).toBe(0);
  });
});
