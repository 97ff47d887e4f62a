// Replies (PROTOCOL §1): the result as one line of text, or `ERROR <code>: <message>`, then `\n`;
// the consumer closes after it. A client takes everything up to the end of stream as the reply,
// with or without the final `\n`.

import { isRpcErrorCode, RpcError } from "./errors.js";
import { printable } from "./printable.js";

/** Longest error message sent on the wire; messages quote client input, which is bounded too. */
const MAX_MESSAGE_CHARS = 500;

/**
 * The reply line for a result.
 * @throws Error when `value` holds a line break: a reply is one line, so that is a handler bug.
 */
export function formatReply(value: string): string {
  if (value.includes("\n") || value.includes("\r")) {
    throw new Error("a handler returned a value with a line break; a reply must be one line");
  }
  return value + "\n";
}

/** The reply line for an error: `ERROR <code>: <message>\n`, the message kept on one line. */
export function formatErrorReply(error: RpcError): string {
  return `ERROR ${error.code}: ${printable(error.message, MAX_MESSAGE_CHARS)}\n`;
}

/** What a reply says, as {@link parseReply} reads it. */
export type ReplyOutcome =
  /** A result: the reply without its final `\n`. */
  | { readonly kind: "value"; readonly value: string }
  /** An `ERROR <code>: <message>` reply, as an `RpcError` with that code and message. */
  | { readonly kind: "error"; readonly error: RpcError }
  /** Nothing at all before the end of stream: a failure of transport, not of the request. */
  | { readonly kind: "empty" };

const ERROR_REPLY = /^ERROR ([A-Za-z0-9_]+):(?: (.*))?$/s;

/**
 * Reads a whole reply (everything up to the end of stream). One final `\n` is dropped if
 * present. An `ERROR` reply whose code this protocol does not know, or that does not follow
 * `ERROR <code>: <message>`, is read as an `internal` error that quotes it, so a producer
 * treats it like any consumer fault (and retries).
 */
export function parseReply(text: string): ReplyOutcome {
  if (text.length === 0) return { kind: "empty" };
  const line = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (!line.startsWith("ERROR ")) return { kind: "value", value: line };
  const match = ERROR_REPLY.exec(line);
  const code = match?.[1];
  if (match && code !== undefined && isRpcErrorCode(code)) {
    return { kind: "error", error: new RpcError(code, match[2] ?? "") };
  }
  return {
    kind: "error",
    error: new RpcError("internal", `malformed error reply from the consumer: ${JSON.stringify(printable(line, 200))}`),
  };
}
