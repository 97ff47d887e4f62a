import { describe, expect, it } from "vitest";
import { helpText } from "../../src/cli/index.js";
import { CONSUMER, parseCli } from "../../src/consumer/cli.js";

describe("parseCli", () => {
  it("takes a port and applies every default", () => {
    expect(parseCli(["5000"])).toEqual({
      kind: "run",
      options: { port: 5000, host: "127.0.0.1", maxFib: 1_000_000, maxSleepMs: 10_000, readTimeoutSeconds: 2, maxRequestBytes: 65_536, logFormat: "text" },
    });
  });

  it("reads every option", () => {
    const cli = parseCli(["--host", "0.0.0.0", "--max-fib", "50", "--max-sleep-ms", "20", "--read-timeout", "0.5", "--max-request-bytes", "100", "--log-format", "json", "65535"]);
    expect(cli).toEqual({
      kind: "run",
      options: { port: 65535, host: "0.0.0.0", maxFib: 50, maxSleepMs: 20, readTimeoutSeconds: 0.5, maxRequestBytes: 100, logFormat: "json" },
    });
  });

  it.each([
    [[], /missing PORT/],
    [["0"], /PORT must be an integer from 1 to 65535/],
    [["65536"], /PORT must be an integer from 1 to 65535/],
    [["80a"], /PORT must be/],
    [["1.5"], /PORT must be/],
    [["-1"], /PORT must be an integer from 1 to 65535, got "-1"/],
    [["5000", "6000"], /one PORT only/],
    [["5000", "--verbose"], /^error: unknown option --verbose; usage: run_rpc_consumer.sh PORT \[options\] \(--help lists them\)$/],
    [["5000", "--max-fib", "--host", "x"], /--max-fib needs a value \(N\)/],
    [["5000", "--log-formt", "json"], /unknown option --log-formt \(did you mean --log-format\?\)/],
    [["5000", "--read-timeout", "2147484"], /--read-timeout must be a number of seconds above 0 and at most 2147483 \(24.8 days, the longest a timer holds\)/],
    [["5000", "--max-fib"], /--max-fib needs a value \(N\)/],
    [["5000", "--max-fib", "-3"], /--max-fib/],
    [["5000", "--max-fib=-3"], /--max-fib must be an integer from 0/],
    [["5000", "--max-fib", "1e3"], /--max-fib must be an integer from 0/],
    [["5000", "--read-timeout", "0"], /--read-timeout must be a number of seconds above 0/],
    [["5000", "--read-timeout", "soon"], /--read-timeout/],
    [["5000", "--max-request-bytes", "0"], /--max-request-bytes must be an integer from 1/],
    [["5000", "--log-format", "xml"], /--log-format must be text or json/],
    [["5000", "--host", ""], /--host must not be empty/],
  ])("refuses %j with one line", (argv, message) => {
    const cli = parseCli(argv);
    expect(cli.kind).toBe("usage_error");
    if (cli.kind !== "usage_error") return;
    expect(cli.message).toMatch(message);
    expect(cli.message).toMatch(/^error: /);
    expect(cli.message).not.toContain("\n");
  });

  it("shows help for --help or -h, even among other arguments", () => {
    expect(parseCli(["--help"]).kind).toBe("help");
    expect(parseCli(["5000", "-h"]).kind).toBe("help");
    expect(parseCli(["--bogus", "--help"]).kind).toBe("help");
  });

  it("lists every option with its default in the help", () => {
    const text = helpText(CONSUMER);
    for (const option of ["--host", "--max-fib", "--max-sleep-ms", "--read-timeout", "--max-request-bytes", "--log-format", "--help"]) {
      expect(text).toContain(option);
    }
    for (const value of ["127.0.0.1", "1000000", "(default: 2)", "65536", "(default: text)"]) expect(text).toContain(value);
  });
});

describe("the consumer's --help", () => {
  it("fits 80 columns", () => {
    for (const line of helpText(CONSUMER).split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});
