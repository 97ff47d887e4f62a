// The client program (PROTOCOL §8), one request at a time, against a real consumer.
import { afterEach, describe, expect, it } from "vitest";
import { bundleCommand, freePort, runToExit, scriptCommand, startConsumer, stopAll } from "../helpers/processes.js";

afterEach(stopAll);

async function client(...args: string[]) {
  const [command, argv] = bundleCommand("client", args);
  return runToExit(command, argv);
}

describe("run_rpc_client.sh: one request", () => {
  it("prints a consumer's result and exits 0", async () => {
    const consumer = await startConsumer();
    const fib = await client(String(consumer.port), "fibonacci_generator", "calculate", "100");
    expect(fib).toMatchObject({ code: 0, stdout: "354224848179261915075\n", stderr: "" });
    const polarity = await client(`127.0.0.1:${consumer.port}`, "neural_analyzer", "polarity", "what", "a", "lovely", "day");
    expect(polarity).toMatchObject({ code: 0, stdout: "0.15\n" });
  });

  it("prints an ERROR answer as the server sent it and exits 1", async () => {
    const consumer = await startConsumer();
    const answer = await client(String(consumer.port), "fibonacci_generator", "calculate", "-3");
    expect(answer.code).toBe(1);
    expect(answer.stdout).toMatch(/^ERROR bad_argument: calculate takes exactly one argument N/);
  });

  it("says on stderr when nobody answers, and exits 1", async () => {
    const port = await freePort();
    const answer = await client(String(port), "system", "ping");
    expect(answer).toMatchObject({ code: 1, stdout: "", stderr: `run_rpc_client.sh: connection refused by 127.0.0.1:${port}\n` });
  });

  it("refuses bad usage with one line and exit code 2", async () => {
    for (const args of [[], ["9000"], ["notaport", "system", "ping"], ["--http", "ftp://x", "system", "ping"], ["--bogus", "9000", "system", "ping"]]) {
      const answer = await client(...args);
      expect(answer.code, args.join(" ")).toBe(2);
      expect(answer.stderr, args.join(" ")).toMatch(/^error: .*; usage: run_rpc_client\.sh \[options\] \[TARGET\] \(COMMAND \.\.\. \| --load\) \(--help lists them\)\n$/);
    }
    const host = await client("no-such-host.invalid:9000", "system", "ping");
    expect(host.code).toBe(2);
    expect(host.stderr).toMatch(/the host no-such-host\.invalid does not resolve/);
  });

  it("works through its script, from any directory, with --help telling the truth", async () => {
    const consumer = await startConsumer();
    const [script, argv] = scriptCommand("client", [String(consumer.port), "system", "ping"]);
    expect(await runToExit(script, argv, { cwd: "/" })).toMatchObject({ code: 0, stdout: "pong\n" });
    const [, helpArgv] = bundleCommand("client", ["--help"]);
    const help = await runToExit(process.execPath, helpArgv);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: run_rpc_client\.sh/);
    for (const line of help.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });
});
