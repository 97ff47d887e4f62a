/**
 * The producer's command line (PROTOCOL §4): `run_rpc_producer.sh [options] TARGET ...`.
 * Parsing is `node:util` `parseArgs`; every value is checked here, so a bad one is one clear line
 * on stderr and exit code 2 before anything starts.
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { LogFormat } from "./telemetry/log.js";
import type { DispatchOptions } from "./dispatch/producer.js";
import type { PayloadOptions } from "./intake/payload.js";
import { loadProfile, PROFILE_HELP, PROFILE_NAMES, ProfileError, type LoadProfile, type ProfileName } from "./intake/profiles.js";
import { parseTargets, TargetError } from "./dispatch/targets.js";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface Cli extends DispatchOptions, Omit<PayloadOptions, "gap"> {
  /** Seconds to make tasks for; `undefined` for no limit. */
  readonly duration: number | undefined;
  /** Seconds between two `stats` events; 0 for none. */
  readonly statsEvery: number;
  readonly logFormat: LogFormat;
  /** When the payload makes its tasks (see profiles.ts). */
  readonly profile: LoadProfile;
  /** Text mode: leave out the per-task lines. */
  readonly quiet: boolean;
  /** Where to write the HTML report (an absolute path), or `undefined` for none. */
  readonly report: string | undefined;
}

export type ParsedCli = { readonly help: true } | ({ readonly help: false } & Cli);

interface OptionSpec {
  readonly name: string;
  /** What the value looks like in --help; `null` for a flag that takes none. */
  readonly value: string | null;
  readonly default: string | undefined;
  readonly help: string;
}

const OPTIONS: readonly OptionSpec[] = [
  { name: "interval", value: "SECONDS", default: "0.5", help: "mean time between two tasks the payload makes" },
  { name: "profile", value: "NAME", default: "constant", help: `how tasks are spread over time: ${PROFILE_NAMES.join(", ")}; see "Load profiles" below` },
  { name: "burst-size", value: "N", default: "10", help: "tasks per burst of --profile burst" },
  { name: "period", value: "SECONDS", default: "20", help: "length of one swing of --profile sine" },
  { name: "fib-share", value: "P", default: "0.5", help: "probability (0..1) that a task is fibonacci_generator calculate N; else neural_analyzer polarity" },
  { name: "fib-min", value: "N", default: "100", help: "smallest N for fibonacci tasks" },
  { name: "fib-max", value: "N", default: "10000", help: "largest N for fibonacci tasks (N is uniform in fib-min..fib-max)" },
  { name: "seed", value: "N", default: "0", help: "seed of the task stream: the same seed gives the same tasks" },
  { name: "tasks", value: "N", default: undefined, help: "make N tasks, wait until each is final, print the summary and exit" },
  { name: "duration", value: "SECONDS", default: undefined, help: "make tasks for this long, then the same (with --tasks: whichever ends first)" },
  { name: "timeout", value: "SECONDS", default: "5", help: "limit for a whole call: connect, send, read the reply" },
  { name: "retries", value: "N", default: "2", help: "retries of a call that failed by transport or with ERROR internal (on another consumer when one is free)" },
  { name: "queue-limit", value: "N", default: "1000", help: "most tasks in the queue; when full, the payload waits (backpressure)" },
  { name: "queue-timeout", value: "SECONDS", default: "30", help: "while no consumer is up, a queued task fails with no_consumer after this long" },
  { name: "max-reply-bytes", value: "N", default: "16777216", help: "longest reply taken from a consumer (16 MiB); a longer one fails its task with too_large" },
  { name: "stats-every", value: "SECONDS", default: "2", help: "seconds between live stats lines; 0 turns them off" },
  { name: "log-format", value: "text|json", default: "text", help: "text for a person, or one JSON object per line" },
  { name: "quiet", value: null, default: undefined, help: "text mode: no line per task; failures, targets going down or up, stats and the summary stay" },
  { name: "report", value: "FILE.html", default: undefined, help: "at the end, write a self-contained HTML report: load, queue depth, latency over time, summary" },
];

export const USAGE = `Usage: run_rpc_producer.sh [options] TARGET ...

Puts RPC tasks into a queue at the pace of a load profile and sends them to the consumers, one
worker per consumer, each taking the next task when its consumer is free. TARGET is PORT
(meaning 127.0.0.1:PORT) or HOST:PORT.

Without --tasks or --duration it runs until SIGINT/SIGTERM: then it stops making tasks, lets the
calls in flight finish, fails the queued tasks with "shutdown" and prints the summary. A second
signal exits at once (still printing the summary).

Options:
${OPTIONS.map((o) => `  --${`${o.name} ${o.value ?? ""}`.padEnd(24)} ${o.help}${o.default === undefined ? "" : ` (default ${o.default})`}`).join("\n")}
  --help                     show this help

Load profiles (--profile), each with --interval as the mean gap between tasks:
${PROFILE_NAMES.map((name) => `  ${name.padEnd(10)} ${PROFILE_HELP[name]}`).join("\n")}

Exit codes: 0 every task succeeded, 1 some task failed, 2 bad usage.

Examples:
  run_rpc_producer.sh 9000 9001
  run_rpc_producer.sh --tasks 50 --log-format json 9000 127.0.0.1:9001
  run_rpc_producer.sh --duration 30 --profile sine --period 30 --interval 0.05 --report run.html 9000 9001
`;

/** Parses the producer's arguments. @throws UsageError with a message that says what is wrong. */
export function parseCli(argv: readonly string[]): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(OPTIONS.map((o) => [o.name, { type: o.value === null ? ("boolean" as const) : ("string" as const) }])),
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]!.replace(/^Unknown option/, "unknown option"), { cause: error });
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) return { help: true };
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === "string" ? value : OPTIONS.find((o) => o.name === name)?.default;
  };
  const number = (name: string, check: (n: number) => boolean, what: string): number => {
    const raw = text(name)!;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} ${raw}: expected ${what}`);
    return n;
  };
  const optional = (name: string, check: (n: number) => boolean, what: string): number | undefined =>
    text(name) === undefined ? undefined : number(name, check, what);

  const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0;
  const positive = (n: number): boolean => n > 0;
  const fibMin = number("fib-min", isCount, "an integer >= 0");
  const fibMax = number("fib-max", isCount, "an integer >= 0");
  if (fibMin > fibMax) throw new UsageError(`--fib-min ${fibMin} is larger than --fib-max ${fibMax}`);
  const logFormat = text("log-format");
  if (logFormat !== "text" && logFormat !== "json") throw new UsageError(`--log-format ${String(logFormat)}: expected text or json`);

  const profileName = text("profile");
  if (!PROFILE_NAMES.includes(profileName as ProfileName)) {
    throw new UsageError(`--profile ${String(profileName)}: expected one of ${PROFILE_NAMES.join(", ")}`);
  }
  const interval = number("interval", (n) => n >= 0, "seconds >= 0");
  const tasks = optional("tasks", (n) => isCount(n) && n > 0, "an integer >= 1");
  const duration = optional("duration", positive, "seconds > 0");
  let profile;
  try {
    profile = loadProfile(profileName as ProfileName, {
      burstSize: number("burst-size", (n) => isCount(n) && n > 0, "an integer >= 1"),
      period: number("period", positive, "seconds > 0"),
      interval,
      duration,
      tasks,
    });
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const report = text("report");

  let targets;
  try {
    targets = parseTargets(parsed.positionals);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message, { cause: error });
    throw error;
  }

  return {
    help: false,
    targets,
    interval,
    fibShare: number("fib-share", (n) => n >= 0 && n <= 1, "a probability from 0 to 1"),
    fibMin,
    fibMax,
    seed: number("seed", Number.isInteger, "an integer"),
    tasks,
    duration,
    timeout: number("timeout", positive, "seconds > 0"),
    retries: number("retries", isCount, "an integer >= 0"),
    queueLimit: number("queue-limit", (n) => isCount(n) && n > 0, "an integer >= 1"),
    queueTimeout: number("queue-timeout", positive, "seconds > 0"),
    maxReplyBytes: number("max-reply-bytes", (n) => isCount(n) && n > 0, "an integer >= 1"),
    statsEvery: number("stats-every", (n) => n >= 0, "seconds >= 0 (0 turns stats off)"),
    logFormat,
    profile,
    quiet: values.quiet === true,
    report: report === undefined ? undefined : writableReportPath(report),
  };
}

/** The report's absolute path, checked now so a typo fails before the run rather than after it. */
function writableReportPath(path: string): string {
  if (path.trim() === "") throw new UsageError("--report: expected a file name, such as run.html");
  const absolute = resolve(path);
  const directory = dirname(absolute);
  try {
    if (!statSync(directory).isDirectory()) throw new UsageError(`--report ${path}: ${directory} is not a directory`);
    accessSync(directory, constants.W_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EACCES" ? "is not writable" : String(code);
    throw new UsageError(`--report ${path}: the directory ${directory} ${why}`, { cause: error });
  }
  if (statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--report ${path}: that is a directory; name a file`);
  return absolute;
}

/** The options as the `started` event shows them. */
export function describeOptions(cli: Cli): Record<string, string | number | null> {
  return {
    interval: cli.interval,
    fib_share: cli.fibShare,
    fib_min: cli.fibMin,
    fib_max: cli.fibMax,
    seed: cli.seed,
    tasks: cli.tasks ?? null,
    duration: cli.duration ?? null,
    timeout: cli.timeout,
    retries: cli.retries,
    queue_limit: cli.queueLimit,
    queue_timeout: cli.queueTimeout,
    stats_every: cli.statsEvery,
    max_reply_bytes: cli.maxReplyBytes ?? null,
    profile: cli.profile.kind,
    burst_size: cli.profile.kind === "burst" ? cli.profile.burstSize : null,
    period: cli.profile.kind === "sine" ? cli.profile.period : null,
    ramp_s: cli.profile.kind === "ramp" ? cli.profile.length : null,
    report: cli.report ?? null,
  };
}
