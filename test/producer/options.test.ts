// The producer's command line for load profiles and the report: parsed values and clear refusals.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeOptions, parseCli, USAGE, UsageError, type Cli } from "../../src/producer/options.js";
import { PROFILE_NAMES } from "../../src/producer/intake/profiles.js";

const directory = mkdtempSync(join(tmpdir(), "rpc-options-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function parse(...args: string[]): Cli {
  const parsed = parseCli([...args, "9000"]);
  if (parsed.help) throw new Error("unexpected --help");
  return parsed;
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
    [["--profile", "zigzag"], /--profile zigzag: expected one of constant, poisson, burst, sine, ramp/],
    [["--profile", "ramp"], /--profile ramp needs --duration or --tasks/],
    [["--burst-size", "0"], /--burst-size 0: expected an integer >= 1/],
    [["--burst-size", "2.5"], /--burst-size 2.5/],
    [["--period", "0"], /--period 0: expected seconds > 0/],
    [["--period", "soon"], /--period soon/],
    [["--report", ""], /--report: expected a file name/],
    [["--report", "/nonexistent-dir/run.html"], /--report \/nonexistent-dir\/run.html: the directory \/nonexistent-dir does not exist/],
    [["--report", directory], /that is a directory/],
  ])("refuses %j with a UsageError that says what to fix", (args, message) => {
    expect(() => parse(...args)).toThrow(UsageError);
    expect(() => parse(...args)).toThrow(message);
  });

  it("takes --quiet as a flag, and --report as an absolute path", () => {
    expect(parse("--quiet").quiet).toBe(true);
    const cli = parse("--report", join(directory, "r.html"));
    expect(cli.report).toBe(join(directory, "r.html"));
    expect(parse("--report", "run.html").report).toBe(join(process.cwd(), "run.html"));
    // The flag takes no value: a word after it is a target.
    expect(() => parse("--quiet", "yes")).toThrow(/bad target "yes"/);
  });

  it("shows the profile and its parameter in the started event's options", () => {
    expect(describeOptions(parse("--profile", "sine", "--period", "9"))).toMatchObject({ profile: "sine", period: 9, burst_size: null, ramp_s: null, report: null });
  });

  it("explains every profile in --help, one line each", () => {
    for (const name of PROFILE_NAMES) expect(USAGE).toMatch(new RegExp(`^  ${name} +\\S.*$`, "m"));
  });
});

describe("--sleep-ms", () => {
  it("is off by default, and takes a whole number of milliseconds up to the consumer's default limit", () => {
    expect(parse().sleepMs).toBeUndefined();
    expect(parse("--sleep-ms", "40").sleepMs).toBe(40);
    expect(parse("--sleep-ms", "0").sleepMs).toBe(0);
    expect(parse("--sleep-ms", "10000").sleepMs).toBe(10_000);
    for (const bad of ["2.5", "10001", "1e3x"]) expect(() => parse("--sleep-ms", bad)).toThrow(/--sleep-ms .*: expected an integer from 0 to 10000/);
  });
});
