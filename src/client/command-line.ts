/**
 * The client's command line (PROTOCOL §8): `run_rpc_client.sh [TARGET | --http URL | --amqp URL] (COMMAND ... | --load)`
 * sends one request and prints its answer. Declared on the shared kit, so its errors and
 * `--help` read as the other programs' do. Pure; main.ts prints and exits.
 */
import {
  UsageError,
  flag,
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
import { DEFAULT_MAX_REPLY_BYTES } from "../producer/dispatch/client.js";
import { AmqpUrlError, parseAmqpUrl } from "../amqp/index.js";
import { parseTarget, TargetError, type TargetAddress } from "../producer/dispatch/targets.js";
import type { PayloadOptions } from "../producer/intake/payload.js";
import { PAYLOAD_OPTIONS, payloadSettings, PROFILES_HELP } from "../producer/intake/payload-options.js";

/** Where the request goes. */
export type Destination =
  | { readonly kind: "line"; readonly target: TargetAddress }
  | { readonly kind: "http"; readonly url: URL }
  | { readonly kind: "amqp"; readonly url: string; readonly display: string; readonly queue: string };

/** `--load`: the simulated payload, sent as an outside client, with the producer's stats and summary. */
export interface LoadOptions {
  readonly payload: PayloadOptions;
  readonly statsEvery: number;
  readonly logFormat: LogFormat;
  readonly quiet: boolean;
}

export interface ClientOptions {
  readonly destination: Destination;
  /** One request: its line, the words of COMMAND joined by single spaces; `undefined` with `--load`. */
  readonly command: string | undefined;
  readonly load: LoadOptions | undefined;
  readonly timeout: number;
  readonly maxReplyBytes: number;
  /** Where to write the loop's trace at exit (PROTOCOL §9), or `undefined` for none; and how long it records. */
  readonly trace: string | undefined;
  readonly traceSeconds: number;
}

export type ParsedClientCli = ParsedCommandLine<ClientOptions>;

const options = {
  http: option(text("URL"), { help: "send to a producer's --http door (http://HOST:PORT, meaning its /rpc)" }),
  amqp: option(text("URL"), { help: "send through RabbitMQ to producers started with --amqp: amqp://USER:PASS@HOST:PORT[/VHOST]" }),
  "amqp-queue": option(text("NAME"), { help: "--amqp: the producers' task queue", default: "rpc_tasks" }),
  timeout: option(seconds({ beyond: "refuse" }), { help: "time for the whole request: connect, send, answer", default: 30 }),
  "max-reply-bytes": option(integer(1, 1024 * 1024 * 1024), { help: "longest answer accepted, in bytes", default: DEFAULT_MAX_REPLY_BYTES }),
  load: flag("send the simulated payload instead of one COMMAND (the payload options below), and print the producer's live stats and summary"),
  ...PAYLOAD_OPTIONS,
  "stats-every": option(seconds({ zero: "no stats", beyond: "refuse" }), { help: "--load: time between two live stats lines", default: 2 }),
  "log-format": logFormatOption("--load: text for a person, or one JSON object per line"),
  quiet: flag("--load, text mode: no line per task"),
  trace: option(text("FILE.json"), { help: "write a trace of the event loop (Chrome Trace Event Format: open it in ui.perfetto.dev) at exit" }),
  "trace-seconds": option(seconds({ beyond: "refuse" }), { help: "how long --trace records, from the start", default: 10 }),
};

export const CLIENT: Program<typeof options> = {
  usage: "run_rpc_client.sh [options] [TARGET] (COMMAND ... | --load)",
  about: `Sends one request to a consumer, or to a producer's front door, and prints the answer.
TARGET is PORT (meaning 127.0.0.1:PORT) or HOST:PORT: a consumer, or a producer's --listen door;
--http and --amqp name a producer's other front doors.
COMMAND is the request, "HANDLER METHOD [ARG ...]", as separate words.`,
  options,
  epilogue: `${PROFILES_HELP}

Exit codes: 0 for a result (--load: every task succeeded), 1 for an ERROR
answer or no answer at all (--load: some task failed), 2 for bad usage.

Examples:
  run_rpc_client.sh 9000 fibonacci_generator calculate 100
  run_rpc_client.sh 127.0.0.1:8000 neural_analyzer polarity what a lovely day
  run_rpc_client.sh --http http://127.0.0.1:8080 system ping
  run_rpc_client.sh --amqp amqp://guest:guest@127.0.0.1:5672 system ping
  run_rpc_client.sh 8000 --load --tasks 300 --interval 0.01`,
};

function httpUrl(textUrl: string): URL {
  let url: URL;
  try {
    url = new URL(textUrl);
  } catch {
    throw new UsageError(`--http must be a URL like http://127.0.0.1:8080, got ${JSON.stringify(textUrl)}`);
  }
  if (url.protocol !== "http:") throw new UsageError(`--http takes an http:// URL, got ${JSON.stringify(textUrl)}`);
  return url;
}

function build(values: OptionValues<typeof options>, positionals: readonly string[]): ClientOptions {
  let destination: Destination;
  let words = positionals;
  if (values.http !== undefined && values.amqp !== undefined) throw new UsageError("--http and --amqp: give one front door");
  if (values.http !== undefined) {
    destination = { kind: "http", url: httpUrl(values.http) };
  } else if (values.amqp !== undefined) {
    let display: string;
    try {
      display = parseAmqpUrl(values.amqp).display;
    } catch (error) {
      if (error instanceof AmqpUrlError) throw new UsageError(`--amqp: ${error.message}`, { cause: error });
      throw error;
    }
    destination = { kind: "amqp", url: values.amqp, display, queue: values["amqp-queue"] };
  } else {
    if (positionals.length === 0) throw new UsageError("missing TARGET (or --http URL), and COMMAND (or --load)");
    try {
      destination = { kind: "line", target: parseTarget(positionals[0]!) };
    } catch (error) {
      if (error instanceof TargetError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
    words = positionals.slice(1);
  }
  const common = { destination, timeout: values.timeout, maxReplyBytes: values["max-reply-bytes"], trace: values.trace, traceSeconds: values["trace-seconds"] };
  if (values.load) {
    if (words.length > 0) throw new UsageError(`--load sends the payload: no COMMAND with it, got ${JSON.stringify(words.join(" "))}`);
    const load = { payload: payloadSettings(values).payload, statsEvery: values["stats-every"], logFormat: values["log-format"], quiet: values.quiet };
    return { ...common, command: undefined, load };
  }
  if (words.length === 0) throw new UsageError('missing COMMAND, like "system ping" (or --load)');
  return { ...common, command: words.join(" "), load: undefined };
}

/** Reads the client's argv (without `node` and the script). */
export function parseClientCli(argv: readonly string[]): ParsedClientCli {
  return parseCommandLine(CLIENT, argv, build);
}
