// Request framing (PROTOCOL §1), as a pure state machine with no sockets and no timers: the
// consumer feeds it what the socket does (bytes, end of stream, a quiet period) and acts on the
// answer. A request ends at the first `\n`, at the client's end of stream, or after a quiet
// period following at least one byte; it is rejected as soon as it is longer than the limit.

import { RpcError } from "./errors.js";
import { DEFAULT_MAX_REQUEST_BYTES } from "./limits.js";

const LF = 0x0a;
const CR = 0x0d;
const DEL = 0x7f;

/** What ended a request: its newline, the client's half-close, or the quiet period. */
export type FrameEnd = "newline" | "end" | "quiet";

/** The framer's verdict after each event. */
export type FrameResult =
  /** Keep reading. */
  | { readonly status: "incomplete" }
  /** A whole request: valid UTF-8 without control characters or its terminator. */
  | { readonly status: "complete"; readonly text: string; readonly endedBy: FrameEnd }
  /** The request can only be answered with this error (`bad_request` or `too_large`). */
  | { readonly status: "rejected"; readonly error: RpcError; readonly endedBy: FrameEnd | "limit" };

const INCOMPLETE: FrameResult = { status: "incomplete" };

const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The text of a request's bytes (terminator already removed).
 * @throws RpcError `bad_request` for an empty request, a control byte (0x00–0x1F, 0x7F) or
 * invalid UTF-8.
 */
export function decodeRequestBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) {
    throw new RpcError("bad_request", "empty request; send '<handler> <method> [arg ...]' and a newline");
  }
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte < 0x20 || byte === DEL) {
      throw new RpcError(
        "bad_request",
        `control byte 0x${byte.toString(16).padStart(2, "0")} at byte ${i}; ` +
          "a request is printable text ended by \\n (tokens are separated by spaces, not tabs)",
      );
    }
  }
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    throw new RpcError("bad_request", "request is not valid UTF-8 text", { cause: error });
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Frames one request from a stream of chunks. Once it has answered `complete` or `rejected`, it
 * keeps giving that same answer to every later event (bytes after the request are ignored: one
 * connection carries one request).
 */
export class RequestFramer {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;
  private result: FrameResult = INCOMPLETE;

  /** @param maxRequestBytes longest request in bytes, not counting its `\n` or `\r\n`. */
  constructor(private readonly maxRequestBytes: number = DEFAULT_MAX_REQUEST_BYTES) {
    if (!Number.isSafeInteger(maxRequestBytes) || maxRequestBytes < 1) {
      throw new RangeError(`maxRequestBytes must be a positive integer, got ${maxRequestBytes}`);
    }
  }

  /** Bytes received so far and kept (at most the limit plus a chunk). */
  get bytesReceived(): number {
    return this.total;
  }

  /** The bytes received so far, for a log line. */
  receivedBytes(): Uint8Array {
    return concat(this.chunks, this.total);
  }

  /** The verdict so far. */
  get state(): FrameResult {
    return this.result;
  }

  /** Feeds bytes from the client. */
  push(chunk: Uint8Array): FrameResult {
    if (this.result.status !== "incomplete" || chunk.length === 0) return this.result;
    const newline = chunk.indexOf(LF);
    if (newline >= 0) {
      this.keep(chunk.subarray(0, newline));
      let bytes = this.receivedBytes();
      if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
      return this.finish(bytes, "newline");
    }
    this.keep(chunk);
    // A final `\r` may yet be dropped before a `\n`, so it does not count towards the limit.
    const pending = this.total - (chunk[chunk.length - 1] === CR ? 1 : 0);
    if (pending > this.maxRequestBytes) return this.tooLarge("limit");
    return this.result;
  }

  /** The client half-closed: whatever arrived is the request. */
  end(): FrameResult {
    if (this.result.status !== "incomplete") return this.result;
    return this.finish(this.receivedBytes(), "end");
  }

  /**
   * The quiet period passed with no new byte. Ends the request only when at least one byte has
   * arrived; a silent client is left to the read timeout.
   */
  quiet(): FrameResult {
    if (this.result.status !== "incomplete" || this.total === 0) return this.result;
    return this.finish(this.receivedBytes(), "quiet");
  }

  private keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.total += bytes.length;
  }

  private tooLarge(endedBy: FrameEnd | "limit"): FrameResult {
    const error = new RpcError(
      "too_large",
      `request is longer than ${this.maxRequestBytes} bytes (the limit, set with --max-request-bytes)`,
    );
    this.result = { status: "rejected", error, endedBy };
    return this.result;
  }

  private finish(bytes: Uint8Array, endedBy: FrameEnd): FrameResult {
    if (bytes.length > this.maxRequestBytes) return this.tooLarge(endedBy);
    try {
      this.result = { status: "complete", text: decodeRequestBytes(bytes), endedBy };
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      this.result = { status: "rejected", error, endedBy };
    }
    return this.result;
  }
}
