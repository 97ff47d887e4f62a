/**
 * The client's command line (PROTOCOL §8): `run_rpc_client.sh [TARGET | --http URL] COMMAND ...`
 * sends one request and prints its answer. Declared on the shared kit, so its errors and
 * `--help` read as the other programs' do. Pure; main.ts prints and exits.
 */
import {
  UsageError,
  integer,
  option,
  parseCommandLine,
  seconds,
  text,
  type OptionValues,
  type ParsedCommandLine,
  type Program,
} from "../cli/index.js";
import { DEFAULT_MAX_REPLY_BYTES } from "../producer/dispatch/client.js";
import { parseTarget, TargetError, type TargetAddress } from "../producer/dispatch/targets.js";

/** Where the request goes. */
export type Destination = { readonly kind: "line"; readonly target: TargetAddress } | { readonly kind: "http"; readonly url: URL };

export interface ClientOptions {
  readonly destination: Destination;
  /** The request line: the words of COMMAND joined by single spaces. */
  readonly command: string;
  readonly timeout: number;
  readonly maxReplyBytes: number;
}

export type ParsedClientCli = ParsedCommandLine<ClientOptions>;

const options = {
  http: option(text("URL"), { help: "send to a producer's --http door (http://HOST:PORT, meaning its /rpc)" }),
  timeout: option(seconds({ beyond: "refuse" }), { help: "time for the whole request: connect, send, answer", default: 30 }),
  "max-reply-bytes": option(integer(1, 1024 * 1024 * 1024), { help: "longest answer accepted, in bytes", default: DEFAULT_MAX_REPLY_BYTES }),
};

export const CLIENT: Program<typeof options> = {
  usage: "run_rpc_client.sh [TARGET | --http URL] COMMAND ...",
  about: `Sends one request to a consumer, or to a producer's front door, and prints the answer.
TARGET is PORT (meaning 127.0.0.1:PORT) or HOST:PORT: a consumer, or a producer's --listen door.
COMMAND is the request, "HANDLER METHOD [ARG ...]", as separate words.`,
  options,
  epilogue: `Exit codes: 0 for a result, 1 for an ERROR answer or no answer at all,
2 for bad usage.

Examples:
  run_rpc_client.sh 9000 fibonacci_generator calculate 100
  run_rpc_client.sh 127.0.0.1:8000 neural_analyzer polarity what a lovely day
  run_rpc_client.sh --http http://127.0.0.1:8080 system ping`,
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
  if (values.http !== undefined) {
    destination = { kind: "http", url: httpUrl(values.http) };
  } else {
    if (positionals.length === 0) throw new UsageError("missing TARGET (or --http URL) and COMMAND");
    try {
      destination = { kind: "line", target: parseTarget(positionals[0]!) };
    } catch (error) {
      if (error instanceof TargetError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
    words = positionals.slice(1);
  }
  if (words.length === 0) throw new UsageError('missing COMMAND, like "system ping"');
  return { destination, command: words.join(" "), timeout: values.timeout, maxReplyBytes: values["max-reply-bytes"] };
}

/** Reads the client's argv (without `node` and the script). */
export function parseClientCli(argv: readonly string[]): ParsedClientCli {
  return parseCommandLine(CLIENT, argv, build);
}
