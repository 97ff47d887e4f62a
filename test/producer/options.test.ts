// The producer's command line: parsed values, and refusals in the one line shape every program shares.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HELP_COLUMNS } from "../../src/cli/index.js";
import { describeOptions, parseCli, USAGE, type Cli } from "../../src/producer/options.js";
import { PROFILE_NAMES } from "../../src/producer/intake/profiles.js";

const directory = mkdtempSync(join(tmpdir(), "rpc-options-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function parse(...args: string[]): Cli {
  const parsed = parseCli([...args, "9000"]);
  if (parsed.kind !== "run") throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

/** The one-line problem of a refused command line (the part between `error: ` and `; usage:`). */
function problem(...args: string[]): string {
  const parsed = parseCli(args);
  if (parsed.kind !== "usage_error") throw new Error(`expected a usage error, got ${parsed.kind}`);
  expect(parsed.message).toMatch(/^error: .*; usage: run_rpc_producer\.sh \[options\] TARGET \.\.\. \(--help lists them\)$/);
  return parsed.message.replace(/^error: /, "").replace(/; usage: .*$/, "");
}

describe("--profile and its parameters", () => {
  it("is constant by default, with no report and every per-task line", () => {
    expect(parse()).toMatchObject({ profile: { kind: "constant" }, report: undefined, quiet: false });
  });

  it("takes burst with --burst-size, sine with --period, and the defaults 10 and 20", () => {
    expect(parse("--profile", "burst", "--burst-size", "4").profile).toEqual({ kind: "burst", burstSize: 4 });
    expect(parse("--profile", "burst").profile).toEqual({ kind: "burst", burstSize: 10 });
    expect(parse("--profile", "sine", "--period", "7.5").profile).toEqual({ kind: "sine", period: 7.5 });
    expect(parse("--profile", "sine").profile).toEqual({ kind: "sine", period: 20 });
    expect(parse("--profile", "poisson").profile).toEqual({ kind: "poisson" });
  });

  it("gives ramp the run's expected length: --duration, else --tasks × --interval", () => {
    expect(parse("--profile", "ramp", "--duration", "30").profile).toEqual({ kind: "ramp", length: 30 });
    expect(parse("--profile", "ramp", "--tasks", "40", "--interval", "0.25").profile).toEqual({ kind: "ramp", length: 10 });
  });

  it.each([
    [["--profile", "zigzag"], /--profile must be one of constant, poisson, burst, sine, ramp, got "zigzag"/],
    [["--profile", "ramp"], /--profile ramp needs --duration or --tasks/],
    [["--burst-size", "0"], /--burst-size must be an integer from 1 to 500, got "0"/],
    [["--burst-size", "2.5"], /--burst-size must be an integer/],
    [["--period", "0"], /--period must be a number of seconds above 0/],
    [["--period", "soon"], /--period must be a number of seconds above 0 and at most 2147483, got "soon"/],
    [["--report", ""], /--report must not be empty/],
    [["--report", "/nonexistent-dir/run.html"], /--report \/nonexistent-dir\/run.html: the directory \/nonexistent-dir does not exist/],
    [["--report", directory], /that is a directory/],
    [["--trace", "/nonexistent-dir/run.json"], /--trace \/nonexistent-dir\/run.json: the directory \/nonexistent-dir does not exist/],
    [["--trace-seconds", "0"], /--trace-seconds must be a number of seconds above 0/],
  ])("refuses %j with one line that says what to fix", (args, message) => {
    expect(problem(...args, "9000")).toMatch(message);
  });

  it("takes --quiet as a flag, and --report as an absolute path", () => {
    expect(parse("--quiet").quiet).toBe(true);
    const cli = parse("--report", join(directory, "r.html"));
    expect(cli.report).toBe(join(directory, "r.html"));
    expect(parse("--report", "run.html").report).toBe(join(process.cwd(), "run.html"));
    // The flag takes no value: a word after it is a target.
    expect(problem("--quiet", "yes", "9000")).toMatch(/bad target "yes"/);
  });

  it("traces nothing by default; --trace takes a file (made absolute) and records 10 s unless --trace-seconds says", () => {
    expect(parse().trace).toBeUndefined();
    const cli = parse("--trace", "run.json");
    expect([cli.trace, cli.traceSeconds]).toEqual([join(process.cwd(), "run.json"), 10]);
    expect(parse("--trace", "run.json", "--trace-seconds", "2.5").traceSeconds).toBe(2.5);
  });

  it("shows the profile and its parameter in the started event's options", () => {
    expect(describeOptions(parse("--profile", "sine", "--period", "9"))).toMatchObject({ profile: "sine", period: 9, burst_size: null, ramp_s: null, report: null });
  });

  it("explains every profile in --help, one line each", () => {
    for (const name of PROFILE_NAMES) expect(USAGE).toMatch(new RegExp(`^  ${name} +\\S.*$`, "m"));
  });
});

describe("usage errors (issue 11 item 13): the consumer's line shape, never Node's parseArgs text", () => {
  it.each([
    [["--bogus", "9000"], "unknown option --bogus"],
    [["--timout", "3", "9000"], "unknown option --timout (did you mean --timeout?)"],
    [["9000", "--timeout"], "--timeout needs a value (SECONDS)"],
    [["--quiet=1", "9000"], '--quiet takes no value, got "1"'],
    [["--log-format", "xml", "9000"], '--log-format must be text or json, got "xml"'],
    [["--interval", "soon", "9000"], '--interval must be a number of seconds 0 or more and at most 3600, got "soon"'],
    [[], "no target given: name at least one consumer, like 9000 or 127.0.0.1:9000"],
  ])("%j → %s", (args, expected) => {
    expect(problem(...args)).toBe(expected);
  });

  it("shows --help even beside a bad option", () => {
    expect(parseCli(["--bogus", "--help"]).kind).toBe("help");
  });
});

describe("--help", () => {
  it("shows each default as (default: …) and each range", () => {
    const flat = USAGE.replace(/\s+/g, " ");
    expect(flat).toContain("--interval SECONDS mean time between two tasks the payload makes; 0 (as fast as the queue takes them), at most 3600 (default: 0.5)");
    expect(flat).toContain("(default: constant)");
    expect(flat).toContain("--fib-max N largest N for fibonacci tasks (N is uniform in fib-min..fib-max); 0 to 1000000000 (default: 10000)");
    expect(USAGE).not.toMatch(/\(default [^:]/);
  });

  it(`fits ${HELP_COLUMNS} columns`, () => {
    for (const line of USAGE.split("\n")) expect(line.length, line).toBeLessThanOrEqual(HELP_COLUMNS);
  });
});

describe("time options a Node timer can hold (issue 11 item 4: above 2,147,483.647 s a timer fires after 1 ms)", () => {
  it.each([
    ["--stats-every", "3000000", "--stats-every must be a number of seconds 0 or more and at most 2147483 (24.8 days, the longest a timer holds)"],
    ["--duration", "2147484", "--duration must be a number of seconds above 0 and at most 2147483 (24.8 days, the longest a timer holds)"],
    ["--period", "3000000", "--period must be a number of seconds above 0 and at most 2147483 (24.8 days, the longest a timer holds)"],
    // A gap can be 5 × --interval (sine, ramp): an hour keeps it far inside a timer.
    ["--interval", "3601", "--interval must be a number of seconds 0 or more and at most 3600"],
  ])("refuses %s %s as bad usage", (name, value, expected) => {
    expect(problem(name, value, "9000")).toBe(`${expected}, got "${value}"`);
  });

  it("takes a longer --timeout or --queue-timeout as never (the longest timer), as --help says", () => {
    expect(parse("--timeout", "3000000", "--queue-timeout", "1000000000")).toMatchObject({ timeout: 2_147_483, queueTimeout: 2_147_483 });
    const flat = USAGE.replace(/\s+/g, " ");
    expect(flat).toContain("--timeout SECONDS limit for a whole call: connect, send, read the reply; above 0, and more than 2147483 (24.8 days) means never");
    expect(flat).toContain("--stats-every SECONDS time between two live stats lines; 0 (no stats), at most 2147483");
  });
});

describe("integer options take integers in a stated range (issue 11 item 5)", () => {
  it.each([
    [["--fib-min", "1e21", "--fib-max", "1e22"], '--fib-min must be an integer from 0 to 1000000000, got "1e21"'],
    [["--fib-max", "1000000001"], '--fib-max must be an integer from 0 to 1000000000, got "1000000001"'],
    [["--tasks", "1.5"], '--tasks must be an integer from 1 to 1000000000, got "1.5"'],
    [["--retries", "-1"], '--retries must be an integer from 0 to 100, got "-1"'],
    [["--seed", "1e3"], '--seed must be an integer from 0 to 4294967295, got "1e3"'],
    [["--queue-limit", "0x10"], '--queue-limit must be an integer from 1 to 10000000, got "0x10"'],
    [["--burst-size", "501"], '--burst-size must be an integer from 1 to 500, got "501"'],
  ])("refuses %j", (args, expected) => {
    expect(problem(...args, "9000")).toBe(expected);
  });

  it("takes the largest N any consumer allows", () => {
    expect(parse("--fib-min", "1000000000", "--fib-max", "1000000000")).toMatchObject({ fibMin: 1e9, fibMax: 1e9 });
  });
});

describe("--max-reply-bytes", () => {
  it("is 16 MiB by default and takes an integer from 1", () => {
    expect(parse().maxReplyBytes).toBe(16 * 1024 * 1024);
    expect(parse("--max-reply-bytes", "4000000").maxReplyBytes).toBe(4_000_000);
    expect(problem("--max-reply-bytes", "0", "9000")).toMatch(/^--max-reply-bytes must be an integer from 1/);
    expect(problem("--max-reply-bytes", "1.5", "9000")).toMatch(/^--max-reply-bytes must be an integer from 1/);
  });
});

describe("--sleep-ms", () => {
  it("is off by default, and takes a whole number of milliseconds up to the consumer's default limit", () => {
    expect(parse().sleepMs).toBeUndefined();
    expect(parse("--sleep-ms", "40").sleepMs).toBe(40);
    expect(parse("--sleep-ms", "0").sleepMs).toBe(0);
    expect(parse("--sleep-ms", "10000").sleepMs).toBe(10_000);
    for (const bad of ["2.5", "10001", "1e3"]) expect(problem("--sleep-ms", bad, "9000")).toMatch(/^--sleep-ms must be an integer .*10000/);
  });
});

describe("--dashboard", () => {
  it("is off by default, and takes [HOST:]PORT as the doors do; the payload still runs alone", () => {
    expect(parse().dashboard).toBeUndefined();
    expect(parse("--dashboard", "8081")).toMatchObject({ dashboard: { host: "127.0.0.1", port: 8081, name: "127.0.0.1:8081" }, payload: true });
    expect(parse("--dashboard", "0.0.0.0:8081").dashboard).toMatchObject({ host: "0.0.0.0", port: 8081 });
    expect(parse("--listen", "8000", "--dashboard", "8081")).toMatchObject({ payload: false, dashboard: { port: 8081 } });
  });

  it.each([
    [["--dashboard", "web"], /^--dashboard: bad address "web": expected PORT or HOST:PORT/],
    [["--dashboard", "70000"], /^--dashboard: bad address "70000": the port must be a number from 1 to 65535/],
    [["--dashboard", ""], /^--dashboard must not be empty/],
    [["--http", "8080", "--dashboard", "127.0.0.1:8080"], /^--http and --dashboard are both 127\.0\.0\.1:8080: give each its own port$/],
    [["--listen", "8080", "--dashboard", "8080"], /^--listen and --dashboard are both 127\.0\.0\.1:8080/],
  ])("refuses %j with one line that says what to fix", (args, message) => {
    expect(problem(...args, "9000")).toMatch(message);
  });

  it("is in --help, saying it takes no requests", () => {
    expect(USAGE).toMatch(/--dashboard \[HOST:\]PORT/);
    expect(USAGE).toMatch(/without taking requests/);
    expect(USAGE).toMatch(/the live page at \//);
  });
});
