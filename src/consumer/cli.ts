// The consumer's command line: `run_rpc_consumer.sh PORT [options]` (PROTOCOL §3). Pure: it turns
// argv into options, a help text or one usage error line; main.ts does the talking and exiting.

import { parseArgs } from "node:util";
import { DEFAULT_MAX_FIB, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_SLEEP_MS, DEFAULT_READ_TIMEOUT_SECONDS } from "../rpc/index.js";
import { LOG_FORMATS, type LogFormat } from "./log.js";

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
export type CliResult =
  | { readonly kind: "run"; readonly options: ConsumerOptions }
  | { readonly kind: "help"; readonly text: string }
  /** Bad usage: `message` is one line, for stderr, and the exit code is 2. */
  | { readonly kind: "usage_error"; readonly message: string };

export const DEFAULT_HOST = "127.0.0.1";
/** Beyond this V8's BigInt would not even hold F(N); long before, one request would hold the server for minutes. */
const MAX_MAX_FIB = 1_000_000_000;
/** An hour: a consumer that sleeps longer per request is not a stand-in for anything useful. */
const MAX_MAX_SLEEP_MS = 3_600_000;
/** Node timers hold at most 2³¹−1 ms. */
const MAX_READ_TIMEOUT_SECONDS = 2_147_483;
const MAX_MAX_REQUEST_BYTES = 1024 * 1024 * 1024;

/** The `--help` text: every option and its default. */
export function helpText(): string {
  return `Usage: run_rpc_consumer.sh PORT [options]

A blocking, single-command RPC consumer: it serves one TCP connection at a time, in arrival
order, one request and one reply per connection. PORT is an integer from 1 to 65535.

Options:
  --host HOST               address to listen on (default: ${DEFAULT_HOST})
  --max-fib N               largest N for "fibonacci_generator calculate N" (default: ${DEFAULT_MAX_FIB})
  --max-sleep-ms MS         largest MS for "system sleep MS" (default: ${DEFAULT_MAX_SLEEP_MS})
  --read-timeout SECONDS    time a client has to send a complete request (default: ${DEFAULT_READ_TIMEOUT_SECONDS})
  --max-request-bytes N     longest request in bytes, its newline not counted (default: ${DEFAULT_MAX_REQUEST_BYTES})
  --log-format text|json    log for people or one JSON object per line (default: text)
  -h, --help                show this help and exit

Requests: "fibonacci_generator calculate N", "neural_analyzer polarity WORD ...", "system ping",
"system sleep MS" (blocks the server for MS milliseconds without using the CPU).
SIGINT/SIGTERM: finishes the request in hand, closes, exits 0.
`;
}

class UsageError extends Error {}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function seconds(name: string, text: string, max: number): number {
  const value = /^([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0 && value <= max)) {
    throw new UsageError(`${name} must be a number of seconds above 0 and at most ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function logFormat(text: string): LogFormat {
  const format = LOG_FORMATS.find((known) => known === text);
  if (format === undefined) {
    throw new UsageError(`--log-format must be ${LOG_FORMATS.join(" or ")}, got ${JSON.stringify(text)}`);
  }
  return format;
}

/** Reads the consumer's argv (without `node` and the script). */
export function parseCli(argv: readonly string[]): CliResult {
  if (argv.includes("--help") || argv.includes("-h")) return { kind: "help", text: helpText() };
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        host: { type: "string" },
        "max-fib": { type: "string" },
        "max-sleep-ms": { type: "string" },
        "read-timeout": { type: "string" },
        "max-request-bytes": { type: "string" },
        "log-format": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (positionals.length === 0) throw new UsageError("missing PORT");
    if (positionals.length > 1) throw new UsageError(`one PORT only; unexpected ${JSON.stringify(positionals[1])}`);
    const host = values.host ?? DEFAULT_HOST;
    if (host.trim() === "") throw new UsageError("--host must not be empty");
    return {
      kind: "run",
      options: {
        port: integer("PORT", positionals[0]!, 1, 65535),
        host,
        maxFib: values["max-fib"] === undefined ? DEFAULT_MAX_FIB : integer("--max-fib", values["max-fib"], 0, MAX_MAX_FIB),
        maxSleepMs:
          values["max-sleep-ms"] === undefined ? DEFAULT_MAX_SLEEP_MS : integer("--max-sleep-ms", values["max-sleep-ms"], 0, MAX_MAX_SLEEP_MS),
        readTimeoutSeconds:
          values["read-timeout"] === undefined
            ? DEFAULT_READ_TIMEOUT_SECONDS
            : seconds("--read-timeout", values["read-timeout"], MAX_READ_TIMEOUT_SECONDS),
        maxRequestBytes:
          values["max-request-bytes"] === undefined
            ? DEFAULT_MAX_REQUEST_BYTES
            : integer("--max-request-bytes", values["max-request-bytes"], 1, MAX_MAX_REQUEST_BYTES),
        logFormat: values["log-format"] === undefined ? "text" : logFormat(values["log-format"]),
      },
    };
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    // parseArgs reports unknown options and missing values as TypeErrors with an ERR_PARSE_ARGS_* code.
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof TypeError && code?.startsWith("ERR_PARSE_ARGS_")) {
      // For an unknown option the first sentence says it all (the rest is advice about `--` that
      // does not apply here); other messages are kept whole, on one line.
      const text = code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? error.message.split(/\.(?:\s|$)/)[0]! : error.message.replace(/\.?\s*\n\s*/g, "; ").replace(/\.$/, "");
      return usageError(text.replace(/(^|; )([A-Z])/g, (_, before: string, c: string) => before + c.toLowerCase()));
    }
    throw error;
  }
}

function usageError(problem: string): CliResult {
  return { kind: "usage_error", message: `error: ${problem}; usage: run_rpc_consumer.sh PORT [options] (--help lists them)` };
}
