// The error codes of the wire protocol (PROTOCOL §1). An error is a reply like any other:
// `ERROR <code>: <message>\n`, so every failure the consumer can name has a code here.

/** Every error code the protocol knows, in the order of PROTOCOL §1. */
export const RPC_ERROR_CODES = [
  "bad_request",
  "unknown_handler",
  "unknown_method",
  "bad_argument",
  "too_large",
  "timeout",
  "internal",
  /** Answered by a producer's front door (§6), never by a consumer: try again later. */
  "unavailable",
] as const;

/** One of the protocol's error codes. */
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set(RPC_ERROR_CODES);

/** True when `code` is one of the protocol's error codes (case-sensitive). */
export function isRpcErrorCode(code: string): code is RpcErrorCode {
  return KNOWN_CODES.has(code);
}

/**
 * Codes that say the request itself is wrong: sending it again, anywhere, gives the same answer,
 * so a producer must not retry them (PROTOCOL §4).
 */
const FINAL_CODES: ReadonlySet<RpcErrorCode> = new Set<RpcErrorCode>([
  "bad_request",
  "unknown_handler",
  "unknown_method",
  "bad_argument",
  "too_large",
]);

/**
 * True when an error with this code is final for a producer: the request is at fault.
 * `internal` is worth a retry (PROTOCOL §4); so is `timeout`, which a producer that sends whole
 * lines only meets when its bytes were delayed in transit — a transport failure in disguise.
 */
export function isFinalErrorCode(code: RpcErrorCode): boolean {
  return FINAL_CODES.has(code);
}

/** A failure with a protocol error code and a message a user can act on. */
export class RpcError extends Error {
  override readonly name = "RpcError";

  constructor(
    /** The protocol code, as sent on the wire. */
    readonly code: RpcErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
