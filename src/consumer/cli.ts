// The consumer's command line: `run_rpc_consumer.sh PORT [options]` (PROTOCOL §3), declared on
// the shared kit (src/cli/). Pure: it turns argv into options, a help text or one usage error
// line; main.ts does the talking and exiting.

import {
  MAX_TIMER_SECONDS,
  UsageError,
  integer,
  logFormatOption,
  option,
  paragraphs,
  parseCommandLine,
  readValue,
  seconds,
  text,
  type LogFormat,
  type OptionValues,
  type ParsedCommandLine,
  type Program,
} from "../cli/index.js";
import { DEFAULT_MAX_FIB, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_SLEEP_MS, DEFAULT_READ_TIMEOUT_SECONDS, MAX_FIB_LIMIT } from "../rpc/index.js";

/** Everything the consumer is told on its command line. */
export interface ConsumerOptions {
  readonly port: number;
  readonly host: string;
  readonly maxFib: number;
  readonly maxSleepMs: number;
  readonly readTimeoutSeconds: number;
  readonly maxRequestBytes: number;
  readonly logFormat: LogFormat;
}

/** What the command line asks for. */
export type CliResult = ParsedCommandLine<ConsumerOptions>;

export const DEFAULT_HOST = "127.0.0.1";
/** An hour: a consumer that sleeps longer per request is not a stand-in for anything useful. */
const MAX_MAX_SLEEP_MS = 3_600_000;
const MAX_MAX_REQUEST_BYTES = 1024 * 1024 * 1024;
const PORT = integer(1, 65535, "PORT");

const options = {
  host: option(text("HOST"), { help: "address to listen on", default: DEFAULT_HOST }),
  "max-fib": option(integer(0, MAX_FIB_LIMIT), { help: 'largest N for "fibonacci_generator calculate N"', default: DEFAULT_MAX_FIB }),
  "max-sleep-ms": option(integer(0, MAX_MAX_SLEEP_MS, "MS"), { help: 'largest MS for "system sleep MS"', default: DEFAULT_MAX_SLEEP_MS }),
  "read-timeout": option(seconds({ beyond: "refuse" }), {
    help: "time a client has, once its turn comes, to send a complete request",
    default: DEFAULT_READ_TIMEOUT_SECONDS,
  }),
  "max-request-bytes": option(integer(1, MAX_MAX_REQUEST_BYTES), {
    help: "longest request in bytes, its newline not counted",
    default: DEFAULT_MAX_REQUEST_BYTES,
  }),
  "log-format": logFormatOption("a line per request for people, or one JSON object per line"),
};

export const CONSUMER: Program<typeof options> = {
  usage: "run_rpc_consumer.sh PORT [options]",
  about: `A blocking, single-command RPC consumer: it serves one TCP connection at a time, in arrival
order, one request and one reply per connection. PORT is an integer from 1 to 65535.`,
  options,
  epilogue: paragraphs(`Requests: "fibonacci_generator calculate N", "neural_analyzer polarity WORD ...",
"system ping", "system sleep MS" (blocks the server for MS milliseconds without using the CPU).
Times are at most ${MAX_TIMER_SECONDS} s, the longest a timer holds.

SIGINT/SIGTERM: finishes the request in hand, closes, exits 0. Exit codes: 0 after a signal, 1
when it cannot listen, 2 for bad usage.`),
};

function build(values: OptionValues<typeof options>, positionals: readonly string[]): ConsumerOptions {
  if (positionals.length === 0) throw new UsageError("missing PORT");
  if (positionals.length > 1) throw new UsageError(`one PORT only; unexpected ${JSON.stringify(positionals[1])}`);
  return {
    port: readValue("PORT", PORT, positionals[0]!),
    host: values.host,
    maxFib: values["max-fib"],
    maxSleepMs: values["max-sleep-ms"],
    readTimeoutSeconds: values["read-timeout"],
    maxRequestBytes: values["max-request-bytes"],
    logFormat: values["log-format"],
  };
}

/** Reads the consumer's argv (without `node` and the script). */
export function parseCli(argv: readonly string[]): CliResult {
  return parseCommandLine(CONSUMER, argv, build);
}
