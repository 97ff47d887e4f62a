// The producer, end to end: two real consumer processes, the real producer process, JSON log.
import Sentiment from "sentiment";
import { afterEach, describe, expect, it } from "vitest";
import { runToExit, scriptCommand, startConsumer, stopAll } from "../helpers/processes.js";
import { fibonacci, startProducer, type LogEvent } from "../helpers/producer.js";

afterEach(stopAll);

const sentiment = new Sentiment();
function polarity(sentence: string): string {
  return String(Math.round((sentiment.analyze(sentence).comparative / 5) * 10000) / 10000);
}

describe("producer and two consumers", () => {
  it("runs 50 tasks: every one done with the right result, both consumers served, the summary accounts for all", async () => {
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const producer = startProducer(["--tasks", "50", "--interval", "0.01", "--stats-every", "0.2", String(a.port), `127.0.0.1:${b.port}`]);
    const exit = await producer.exited(30_000);
    expect(exit.code, producer.stderr()).toBe(0);

    const events = producer.events();
    for (const e of events) {
      expect(typeof e.time).toBe("string");
      expect(Number.isNaN(Date.parse(e.time))).toBe(false);
    }
    const queued = new Map(producer.eventsNamed("task_queued").map((e) => [e.id as number, e]));
    expect(queued.size).toBe(50);
    for (const e of queued.values()) {
      expect(e).toMatchObject({ handler: expect.any(String), method: expect.any(String), command: expect.any(String), queue_depth: expect.any(Number) });
    }

    const done = producer.eventsNamed("task_done");
    expect(new Set(done.map((e) => e.id)).size).toBe(50);
    for (const e of done) {
      const task = queued.get(e.id as number)!;
      const command = task.command as string;
      const [, , ...args] = command.split(" ");
      const expected = task.handler === "fibonacci_generator" ? fibonacci(Number(args[0])) : polarity(args.join(" "));
      expect(e.result, command).toBe(expected.slice(0, 200));
      expect(e.latency_ms).toEqual(expect.any(Number));
    }
    const targets = new Set(done.map((e) => e.target));
    expect(targets).toEqual(new Set([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]));
    for (const e of producer.eventsNamed("task_sent")) expect(e).toMatchObject({ attempt: 1, target: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });

    const [summary] = producer.eventsNamed("summary") as [LogEvent & Record<string, unknown>];
    expect(summary).toMatchObject({ produced: 50, succeeded: 50, failed: 0, lost: 0 });
    expect(summary.latency_ms).toMatchObject({ p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) });
    const perTarget = summary.per_target as Record<string, { succeeded: number; failed: number; p50: number }>;
    expect(Object.keys(perTarget).sort()).toEqual([...targets].sort());
    expect(Object.values(perTarget).reduce((sum, t) => sum + t.succeeded, 0)).toBe(50);
    expect(summary.throughput_per_s).toBeGreaterThan(0);
    expect(summary.duration_s).toBeGreaterThan(0);
    expect(producer.eventsNamed("stats").length).toBeGreaterThan(0);
    expect(producer.eventsNamed("stats")[0]).toMatchObject({
      queue_depth: expect.any(Number),
      in_flight: expect.any(Number),
      produced_per_s: expect.any(Number),
      completed_per_s: expect.any(Number),
      per_target: expect.any(Object),
    });
    expect(events.at(-1)?.event).toBe("summary");
  });

  it("gives the same task stream for the same seed", async () => {
    const consumer = await startConsumer();
    const commands = async (seed: string) => {
      const producer = startProducer(["--tasks", "8", "--interval", "0", "--seed", seed, "--stats-every", "0", String(consumer.port)]);
      expect((await producer.exited(20_000)).code).toBe(0);
      return producer.eventsNamed("task_queued").map((e) => e.command);
    };
    const first = await commands("42");
    expect(await commands("42")).toEqual(first);
    expect(await commands("43")).not.toEqual(first);
  });

  it("gives the same task stream for a seed whatever the load profile", async () => {
    const consumer = await startConsumer();
    const commands = async (profile: string) => {
      const producer = startProducer(["--tasks", "8", "--interval", "0.002", "--profile", profile, "--seed", "42", "--stats-every", "0", String(consumer.port)]);
      expect((await producer.exited(20_000)).code).toBe(0);
      return producer.eventsNamed("task_queued").map((e) => e.command);
    };
    expect(await commands("poisson")).toEqual(await commands("constant"));
  });
});

describe("producer usage", () => {
  it.each([
    [["abc"], /bad target "abc"/],
    [["70000"], /from 1 to 65535/],
    [[], /no target/],
    [["--interval", "soon", "9000"], /--interval must be a number of seconds 0 or more and at most 3600, got "soon"/],
    [["--fib-min", "10", "--fib-max", "5", "9000"], /larger than --fib-max/],
    [["--bogus", "9000"], /^error: unknown option --bogus;/],
    [["--log-format", "xml", "9000"], /--log-format must be text or json/],
    [["--profile", "zigzag", "9000"], /--profile must be one of constant, poisson, burst, sine, ramp, got "zigzag"/],
    [["--profile", "ramp", "9000"], /ramp needs --duration or --tasks/],
    [["--burst-size", "0", "9000"], /--burst-size must be an integer from 1 to 500, got "0"/],
    [["--report", "/nonexistent-dir/run.html", "9000"], /does not exist/],
    [["--stats-every", "3000000", "9000"], /--stats-every must be a number of seconds 0 or more and at most 2147483/],
    [["--fib-min", "1e21", "--fib-max", "1e22", "9000"], /--fib-min must be an integer from 0 to 1000000000, got "1e21"/],
    // Issue 11 item 5: said at once, not found down 30 s into the run.
    [["9000", "nohost.invalid:9001"], /^error: target nohost\.invalid:9001: the host nohost\.invalid does not resolve \(\w+\);/],
  ])("refuses %j with one clear line on stderr and exit code 2", async (args, message) => {
    const [command, argv] = scriptCommand("producer", args);
    const result = await runToExit(command, argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: [^\n]+; usage: run_rpc_producer\.sh \[options\] TARGET \.\.\. \(--help lists them\)\n$/);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });

  it("--help lists every option and exits 0", async () => {
    const [command, argv] = scriptCommand("producer", ["--help"]);
    const result = await runToExit(command, argv);
    expect(result.code).toBe(0);
    for (const option of ["--interval", "--fib-share", "--fib-min", "--fib-max", "--seed", "--tasks", "--duration", "--timeout", "--retries", "--queue-limit", "--queue-timeout", "--stats-every", "--log-format", "--profile", "--burst-size", "--period", "--quiet", "--report", "--help"]) {
      expect(result.stdout).toContain(option);
    }
    // Each load profile explained in one line of its own.
    for (const profile of ["constant", "poisson", "burst", "sine", "ramp"]) expect(result.stdout).toMatch(new RegExp(`^  ${profile} +\\S.*$`, "m"));
  });
});
