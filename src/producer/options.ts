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
  flag,
  helpText,
  integer,
  logFormatOption,
  option,
  parseCommandLine,
  seconds,
  text,
  type LogFormat,
  type OptionValues,
  type ParsedCommandLine,
  type Program,
} from "../cli/index.js";
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from "../rpc/index.js";
import { AmqpUrlError, parseAmqpUrl } from "../amqp/index.js";
import type { DispatchOptions } from "./dispatch/producer.js";
import type { PayloadOptions } from "./intake/payload.js";
import type { LoadProfile } from "./intake/profiles.js";
import { PAYLOAD_OPTIONS, payloadSettings, PROFILES_HELP } from "./intake/payload-options.js";
import { parseTarget, parseTargets, TargetError, type TargetAddress } from "./dispatch/targets.js";
import { DEFAULT_MAX_REPLY_BYTES } from "./dispatch/client.js";

export interface Cli extends DispatchOptions, PayloadOptions {
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
  /** Where to write the loop's trace (an absolute path), or `undefined` for none; and for how long it records. */
  readonly trace: string | undefined;
  readonly traceSeconds: number;
  /** Run the simulated payload: always when no front door is named, else only with `--payload`. */
  readonly payload: boolean;
  /** `--listen [HOST:]PORT`: the line-protocol front door (PROTOCOL §6), or `undefined`. */
  readonly listen: TargetAddress | undefined;
  /** `--http [HOST:]PORT`: the HTTP front door (PROTOCOL §6), or `undefined`. */
  readonly http: TargetAddress | undefined;
  /** `--dashboard [HOST:]PORT`: the live page and the status pages alone, taking no tasks; or `undefined`. */
  readonly dashboard: TargetAddress | undefined;
  /** `--amqp URL` (PROTOCOL §7): the shared task queue, or `undefined`. */
  readonly amqp: { readonly url: string; readonly queue: string; readonly prefetch: number } | undefined;
  /** What a front-door client may send: the consumer's limits (`--max-request-bytes`, `--read-timeout`). */
  readonly limits: RequestLimits;
}

export type ParsedCli = ParsedCommandLine<Cli>;

const options = {
  listen: option(text("[HOST:]PORT"), { help: "also serve clients the line protocol of the consumers here (HOST 127.0.0.1 unless given)" }),
  http: option(text("[HOST:]PORT"), {
    help: "also serve clients over HTTP here: POST /rpc, GET /rpc?q=, the live page at /, /events, /healthz, /stats, /metrics",
  }),
  dashboard: option(text("[HOST:]PORT"), {
    help: "serve the live page (/, /events) and /healthz, /stats, /metrics here, without taking requests: for a producer with no --http",
  }),
  amqp: option(text("URL"), { help: "also take tasks from a shared RabbitMQ queue: amqp://USER:PASS@HOST:PORT[/VHOST]" }),
  "amqp-queue": option(text("NAME"), { help: "--amqp: the durable task queue", default: "rpc_tasks" }),
  prefetch: option(integer(1, 65_535), { help: "--amqp: unacked tasks this producer may hold (default: twice the number of targets)" }),
  payload: flag("run the simulated client payload beside the front doors (it runs alone when none is named)"),
  "read-timeout": option(seconds({ beyond: "refuse" }), {
    help: "front doors: time a client has to send a complete request",
    default: DEFAULT_REQUEST_LIMITS.readTimeoutSeconds,
  }),
  "max-request-bytes": option(integer(1, 1024 * 1024 * 1024), {
    help: "front doors: longest request in bytes, its newline not counted",
    default: DEFAULT_REQUEST_LIMITS.maxRequestBytes,
  }),
  ...PAYLOAD_OPTIONS,
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
  report: option(text("FILE.html"), {
    help: "at the end, write a self-contained HTML report: load, queue depth, latency over time, summary, and the loop in two 50 ms swimlanes (it records the loop as --trace does)",
  }),
  trace: option(text("FILE.json"), { help: "write a trace of the event loop (Chrome Trace Event Format: open it in ui.perfetto.dev) at exit" }),
  "trace-seconds": option(seconds({ beyond: "refuse" }), {
    help: "how long the loop is recorded, from the start, for --trace and the report's swimlanes (a very busy run fills the recorder's buffer sooner)",
    default: 10,
  }),
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
  epilogue: `${PROFILES_HELP}

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
  const { payload, profile } = payloadSettings(values);
  let targets;
  try {
    targets = parseTargets(positionals);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const door = (name: string, text: string | undefined): TargetAddress | undefined => {
    try {
      return text === undefined ? undefined : parseTarget(text);
    } catch (error) {
      if (error instanceof TargetError) throw new UsageError(`--${name}: ${error.message.replace("target", "address")}`, { cause: error });
      throw error;
    }
  };
  const listen = door("listen", values.listen);
  const http = door("http", values.http);
  const dashboard = door("dashboard", values.dashboard);
  const doors = [["listen", listen], ["http", http], ["dashboard", dashboard]] as const;
  for (const [i, [name, address]] of doors.entries()) {
    for (const [other, taken] of doors.slice(i + 1)) {
      if (address !== undefined && taken !== undefined && address.name === taken.name) throw new UsageError(`--${name} and --${other} are both ${address.name}: give each its own port`);
    }
  }
  return {
    targets,
    ...payload,
    timeout: values.timeout,
    retries: values.retries,
    queueLimit: values["queue-limit"],
    queueTimeout: values["queue-timeout"],
    maxReplyBytes: values["max-reply-bytes"],
    statsEvery: values["stats-every"],
    logFormat: values["log-format"],
    profile,
    quiet: values.quiet,
    report: values.report === undefined ? undefined : writablePath("--report", values.report),
    trace: values.trace === undefined ? undefined : writablePath("--trace", values.trace),
    traceSeconds: values["trace-seconds"],
    payload: values.payload || (listen === undefined && http === undefined && values.amqp === undefined),
    amqp: values.amqp === undefined ? undefined : { url: amqpUrl(values.amqp), queue: values["amqp-queue"], prefetch: values.prefetch ?? 2 * targets.length },
    listen,
    http,
    dashboard,
    limits: { ...DEFAULT_REQUEST_LIMITS, readTimeoutSeconds: values["read-timeout"], maxRequestBytes: values["max-request-bytes"] },
  };
}

/** The `--amqp` URL, checked now so a typo is bad usage rather than a broker that is never found. */
function amqpUrl(url: string): string {
  try {
    parseAmqpUrl(url);
  } catch (error) {
    if (error instanceof AmqpUrlError) throw new UsageError(`--amqp: ${error.message}`, { cause: error });
    throw error;
  }
  return url;
}

/** Parses the producer's arguments (without node and the script). */
export function parseCli(argv: readonly string[]): ParsedCli {
  return parseCommandLine(PRODUCER, argv, build);
}

/** The absolute path of a file written at the end, checked now so a typo fails before the run rather than after it. */
function writablePath(option: string, path: string): string {
  const absolute = resolve(path);
  const directory = dirname(absolute);
  try {
    if (!statSync(directory).isDirectory()) throw new UsageError(`${option} ${path}: ${directory} is not a directory`);
    accessSync(directory, constants.W_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EACCES" ? "is not writable" : String(code);
    throw new UsageError(`${option} ${path}: the directory ${directory} ${why}`, { cause: error });
  }
  if (statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${option} ${path}: that is a directory; name a file`);
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
    trace: cli.trace ?? null,
  };
}
