// From a framed request to its reply line: parse, dispatch, format. Every outcome is a reply;
// an exception that is not an RpcError is a bug and becomes `ERROR internal`, kept for the log.

import { RpcError, formatErrorReply, formatReply, parseRequest, printable, type RpcErrorCode } from "../rpc/index.js";
import type { Registry } from "./registry.js";

/** A reply and what it means, for the log. */
export interface Answer {
  /** The reply line, `\n` included. */
  readonly reply: string;
  readonly outcome: "ok" | RpcErrorCode;
  /** The error behind an `ERROR` reply. */
  readonly error?: RpcError;
  /** For `internal`: what the handler threw, stack and all. */
  readonly bug?: unknown;
}

/** The answer for a request the protocol refused before any handler ran. */
export function answerError(error: RpcError): Answer {
  return { reply: formatErrorReply(error), outcome: error.code, error };
}

/** The answer to a framed request's text: its result, or the error reply that explains why not. */
export function answerRequest(registry: Registry, text: string): Answer {
  try {
    return { reply: formatReply(registry.call(parseRequest(text))), outcome: "ok" };
  } catch (thrown) {
    if (thrown instanceof RpcError) return answerError(thrown);
    const what = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    const error = new RpcError(
      "internal",
      `the consumer failed on this request (${printable(what, 200)}); the stack is in its log, and it keeps serving`,
      { cause: thrown },
    );
    return { ...answerError(error), bug: thrown };
  }
}
