/**
 * The producer's command line (PROTOCOL §4): `run_rpc_producer.sh [options] TARGET ...`, declared
 * on the shared kit (src/cli/), so its errors, ranges and `--help` read as the consumer's do.
 * Every value is checked here, so a bad one is one line on stderr and exit code 2 before anything
 * starts. Pure; main.ts prints and exits (and checks that the targets' hosts resolve).
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  UsageError,
  decimal,
  flag,
  helpText,
  integer,
  logFormatOption,
  oneOf,
  option,
  parseCommandLine,
  seconds,
  text,
  twoColumns,
  type LogFormat,
  type OptionValues,
  type ParsedCommandLine,
  type Program,
} from "../cli/index.js";
import { MAX_FIB_LIMIT } from "../rpc/index.js";
import type { ProducerOptions } from "./dispatch/producer.js";
import { loadProfile, PROFILE_HELP, PROFILE_NAMES, ProfileError, type LoadProfile } from "./intake/profiles.js";
import { parseTargets, TargetError } from "./dispatch/targets.js";
import { DEFAULT_MAX_REPLY_BYTES } from "./dispatch/client.js";

export interface Cli extends ProducerOptions {
  readonly logFormat: LogFormat;
  /** When the payload makes its tasks (see profiles.ts). */
  readonly profile: LoadProfile;
  /** Text mode: leave out the per-task lines. */
  readonly quiet: boolean;
  /** Where to write the HTML report (an absolute path), or `undefined` for none. */
  readonly report: string | undefined;
}

export type ParsedCli = ParsedCommandLine<Cli>;

// Gaps between tasks are at most 5 × --interval (sine, ramp) or --burst-size × --interval (burst):
// these bounds keep every gap within what a timer holds.
const MAX_INTERVAL_SECONDS = 3600;
const MAX_BURST_SIZE = 500;

const options = {
  interval: option(seconds({ zero: "as fast as the queue takes them", max: MAX_INTERVAL_SECONDS, beyond: "refuse" }), {
    help: "mean time between two tasks the payload makes",
    default: 0.5,
  }),
  profile: option(oneOf(PROFILE_NAMES), { help: 'how tasks spread over time; see "Load profiles" below', placeholder: "NAME", default: "constant" }),
  "burst-size": option(integer(1, MAX_BURST_SIZE), { help: "tasks per burst of --profile burst", default: 10 }),
  period: option(seconds({ beyond: "refuse" }), { help: "length of one swing of --profile sine", default: 20 }),
  "fib-share": option(decimal(0, 1, "P"), { help: "probability that a task is fibonacci_generator calculate N; else neural_analyzer polarity", default: 0.5 }),
  "fib-min": option(integer(0, MAX_FIB_LIMIT), { help: "smallest N for fibonacci tasks", default: 100 }),
  "fib-max": option(integer(0, MAX_FIB_LIMIT), { help: "largest N for fibonacci tasks (N is uniform in fib-min..fib-max)", default: 10_000 }),
  "sleep-ms": option(integer(0, 10_000, "MS"), { help: "make every task system sleep MS instead (a wait that uses no CPU)" }),
  seed: option(integer(0, 2 ** 32 - 1), { help: "seed of the task stream: the same seed gives the same tasks", default: 0 }),
  tasks: option(integer(1, 1_000_000_000), { help: "make N tasks, wait until each is final, print the summary and exit" }),
  duration: option(seconds({ beyond: "refuse" }), { help: "make tasks for this long, then the same (with --tasks: whichever ends first)" }),
  timeout: option(seconds({ beyond: "never" }), { help: "limit for a whole call: connect, send, read the reply", default: 5 }),
  retries: option(integer(0, 100), { help: "retries of a call that failed by transport or with ERROR internal, on another consumer when one is up", default: 2 }),
  "queue-limit": option(integer(1, 10_000_000), { help: "most tasks in the queue; when it is full the payload waits (backpressure)", default: 1000 }),
  "queue-timeout": option(seconds({ beyond: "never" }), { help: "while no consumer is up, a queued task fails with no_consumer after this long", default: 30 }),
  "max-reply-bytes": option(integer(1, 1024 * 1024 * 1024), {
    help: "longest reply taken from a consumer; a longer one fails its task with too_large",
    default: DEFAULT_MAX_REPLY_BYTES,
  }),
  "stats-every": option(seconds({ zero: "no stats", beyond: "refuse" }), { help: "time between two live stats lines", default: 2 }),
  "log-format": logFormatOption("text for a person, or one JSON object per line"),
  quiet: flag("text mode: no line per task; failures, targets going down or up, stats and the summary stay"),
  report: option(text("FILE.html"), { help: "at the end, write a self-contained HTML report: load, queue depth, latency over time, summary" }),
};

export const PRODUCER: Program<typeof options> = {
  usage: "run_rpc_producer.sh [options] TARGET ...",
  about: `Puts RPC tasks into a queue at the pace of a load profile and sends them to the consumers, one
worker per consumer, each taking the next task when its consumer is free. TARGET is PORT (meaning
127.0.0.1:PORT) or HOST:PORT; a HOST that does not resolve is bad usage.

Without --tasks or --duration it runs until SIGINT/SIGTERM: then it stops making tasks, lets the
calls in flight finish, fails the queued tasks with "shutdown" and prints the summary. A second
signal exits at once (still printing the summary).`,
  options,
  epilogue: `Load profiles (--profile), each with --interval as the mean gap between tasks:
${twoColumns(PROFILE_NAMES.map((name) => [name, PROFILE_HELP[name]]))}

Exit codes: 0 every task succeeded, 1 some task failed, 2 bad usage.

Examples:
  run_rpc_producer.sh 9000 9001
  run_rpc_producer.sh --tasks 50 --log-format json 9000 127.0.0.1:9001
  run_rpc_producer.sh --duration 30 --profile sine --period 30 --interval 0.05 \\
    --report run.html 9000 9001`,
};

/** The `--help` text. */
export const USAGE = helpText(PRODUCER);

function build(values: OptionValues<typeof options>, positionals: readonly string[]): Cli {
  const fibMin = values["fib-min"];
  const fibMax = values["fib-max"];
  if (fibMin > fibMax) throw new UsageError(`--fib-min ${fibMin} is larger than --fib-max ${fibMax}`);
  const { interval, tasks, duration } = values;
  let profile;
  try {
    profile = loadProfile(values.profile, { burstSize: values["burst-size"], period: values.period, interval, duration, tasks });
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  let targets;
  try {
    targets = parseTargets(positionals);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  return {
    targets,
    interval,
    fibShare: values["fib-share"],
    fibMin,
    fibMax,
    seed: values.seed,
    sleepMs: values["sleep-ms"],
    tasks,
    duration,
    timeout: values.timeout,
    retries: values.retries,
    queueLimit: values["queue-limit"],
    queueTimeout: values["queue-timeout"],
    maxReplyBytes: values["max-reply-bytes"],
    statsEvery: values["stats-every"],
    logFormat: values["log-format"],
    profile,
    quiet: values.quiet,
    report: values.report === undefined ? undefined : writableReportPath(values.report),
  };
}

/** Parses the producer's arguments (without node and the script). */
export function parseCli(argv: readonly string[]): ParsedCli {
  return parseCommandLine(PRODUCER, argv, build);
}

/** The report's absolute path, checked now so a typo fails before the run rather than after it. */
function writableReportPath(path: string): string {
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
    sleep_ms: cli.sleepMs ?? null,
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
