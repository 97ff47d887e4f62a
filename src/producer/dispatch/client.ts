import { connect, SocketError, TimeoutError, type ConnectOptions, type Operation } from "../../loop/index.js";
import { isFinalErrorCode, parseReply, RpcError } from "../../rpc/index.js";

/**
 * Replies longer than this are refused by default (`--max-reply-bytes`): the handlers' largest
 * answer at their default limits, F(10⁶), has 208,988 digits; a consumer started with a larger
 * `--max-fib` may need more.
 */
export const DEFAULT_MAX_REPLY_BYTES = 16 * 1024 * 1024;

/**
 * A client for one consumer. Each `call` opens a connection, sends the command and a newline,
 * reads the reply to the end of stream and returns it without its `\n`. The whole call — connect,
 * write, read — is bounded by `timeoutSeconds`: a blocking consumer's listen backlog accepts a
 * connection long before it reads it, so a connect timeout alone would mean nothing. The bound is
 * the connection's own deadline (one timer per call) rather than `withTimeout` (a task per call):
 * the call waits on nothing but its socket, and this is the producer's hottest path.
 *
 * @example
 * const client = new RpcClient("127.0.0.1", 9000, 5);
 * const reply = yield* client.call("fibonacci_generator calculate 500");
 */
export class RpcClient {
  readonly peer: string;
  private readonly connectOptions: ConnectOptions;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly timeoutSeconds: number,
    peer?: string,
    /** Reading stops here: memory per call is bounded by this, and the call fails with `too_large`. */
    readonly maxReplyBytes = DEFAULT_MAX_REPLY_BYTES,
  ) {
    this.peer = peer ?? `${host}:${port}`;
    this.connectOptions = { deadline: timeoutSeconds, what: `call to ${this.peer}`, peer: this.peer };
  }

  /**
   * @throws RpcError for an `ERROR` reply; SocketError when the transport fails (refused, reset,
   * closed without a reply) or the reply is longer than `maxReplyBytes` (`ETOOLARGE`); TimeoutError when the whole call took longer than the timeout.
   */
  *call(command: string): Operation<string> {
    const connection = yield* connect(this.host, this.port, this.connectOptions);
    try {
      yield* connection.write(`${command}\n`);
      const reply = parseReply((yield* connection.readToEnd(this.maxReplyBytes)).toString("utf8"));
      if (reply.kind === "value") return reply.value;
      if (reply.kind === "error") throw reply.error;
      throw new SocketError(`${this.peer} closed the connection without a reply`, "ECLOSED", this.peer);
    } finally {
      connection.close();
    }
  }
}

/** Why a call failed, in the terms the producer decides on. */
export interface CallFailure {
  /** A short, stable word: `refused`, `reset`, `closed`, `timeout`, or the protocol's error code. */
  readonly reason: string;
  /** What a person reads: `connection refused by 127.0.0.1:9000`. */
  readonly message: string;
  /** A failure of transport: the consumer is considered down. */
  readonly transport: boolean;
  /** Worth another attempt (transport, or `ERROR internal`); an error about the request is final. */
  readonly retryable: boolean;
}

const TRANSPORT_REASONS = new Map([
  ["ECONNREFUSED", "refused"],
  ["ECONNRESET", "reset"],
  ["EPIPE", "reset"],
  ["ECLOSED", "closed"],
]);

/**
 * Sorts a call's error into a `CallFailure`.
 * @throws the error itself when it is none of the call's failures: that is a bug, not an outcome.
 */
export function classifyFailure(error: unknown): CallFailure {
  if (error instanceof RpcError) {
    const retryable = !isFinalErrorCode(error.code);
    return { reason: error.code, message: `ERROR ${error.code}: ${error.message}`, transport: false, retryable };
  }
  if (error instanceof TimeoutError) {
    return { reason: "timeout", message: `no reply within ${error.seconds} s (${error.operation})`, transport: true, retryable: true };
  }
  if (error instanceof SocketError) {
    // The consumer answered, at length: the same request would be as large anywhere.
    if (error.code === "ETOOLARGE") return { reason: "too_large", message: `the reply is too large: ${error.message}`, transport: false, retryable: false };
    const reason = TRANSPORT_REASONS.get(error.code) ?? "unreachable";
    return { reason, message: error.message, transport: true, retryable: true };
  }
  throw error;
}
