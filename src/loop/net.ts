/**
 * TCP sockets on the loop, read the curio way: the socket stays in paused mode; a read first
 * tries `socket.read()` and only when that returns `null` waits for `readable` or `end`. Unread
 * bytes wait in the stream's buffer, so nothing is lost between two waits.
 *
 * Every socket gets a permanent `error` listener the moment it is created: an EventEmitter with no
 * `error` listener throws, so a reset arriving between two waits would otherwise crash the
 * process. The error is kept and thrown, as a `SocketError` naming the peer, at the next `yield*`.
 */
import { connect as netConnect, type Socket } from "node:net";
import { action } from "./action.js";
import type { Operation } from "./effect.js";

/** A socket failure, with a message that names the peer: `connection refused by 127.0.0.1:9000`. */
export class SocketError extends Error {
  override readonly name = "SocketError";
  constructor(
    message: string,
    /** The system error code (`ECONNREFUSED`, `ECONNRESET`, …) or `ECLOSED` for a close without one. */
    readonly code: string,
    /** `host:port` of the other end. */
    readonly peer: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: "connection refused by",
  ECONNRESET: "connection reset by",
  EPIPE: "connection closed while writing to",
  ETIMEDOUT: "connection timed out to",
  EHOSTUNREACH: "host unreachable:",
  ENETUNREACH: "network unreachable for",
  ENOTFOUND: "host not found:",
  EADDRNOTAVAIL: "address not available:",
};

function socketError(error: Error & { code?: string }, peer: string): SocketError {
  const code = error.code ?? "EUNKNOWN";
  const known = Object.hasOwn(DESCRIPTIONS, code) ? DESCRIPTIONS[code] : undefined;
  const message = known ? `${known} ${peer}` : `socket error with ${peer}: ${error.message}`;
  return new SocketError(message, code, peer, { cause: error });
}

/**
 * Opens a TCP connection to `host:port` and waits until it is established.
 *
 * @example
 * const connection = yield* connect("127.0.0.1", 9000);
 * try {
 *   yield* connection.write("system ping\n");
 *   const reply = yield* connection.readToEnd();
 * } finally {
 *   connection.close();
 * }
 */
export function* connect(host: string, port: number): Operation<Connection> {
  const peer = `${host}:${port}`;
  const socket = netConnect({ host, port });
  const connection = new Connection(socket, peer);
  let connected = false;
  try {
    yield* action<void>(`connect ${peer}`, (resolve, reject) => {
      const onConnect = (): void => resolve();
      const onFailure = (): void => reject(connection.failure());
      socket.once("connect", onConnect);
      socket.once("close", onFailure);
      return () => {
        socket.off("connect", onConnect);
        socket.off("close", onFailure);
      };
    });
    connected = true;
  } finally {
    if (!connected) connection.close(); // failed, or halted while connecting
  }
  socket.setNoDelay(true); // small request/reply messages: don't wait to coalesce
  return connection;
}

/** One TCP connection, driven by operations. `close()` is synchronous, so it is safe in `finally`. */
export class Connection {
  private error: SocketError | undefined;

  constructor(
    private readonly socket: Socket,
    /** `host:port` of the other end. */
    readonly peer: string,
  ) {
    socket.on("error", (error) => {
      this.error ??= socketError(error, peer);
    });
  }

  /** The error that ended the socket, or a plain "closed" error when it closed without one. */
  failure(): SocketError {
    return this.error ?? new SocketError(`connection closed by ${this.peer}`, "ECLOSED", this.peer);
  }

  /** Writes `data`, waiting for `drain` when the kernel buffer is full. */
  *write(data: string | Uint8Array): Operation<void> {
    this.throwIfFailed();
    if (this.socket.write(data)) return;
    yield* this.waitFor("drain", `write ${this.peer}`);
  }

  /** Writes `data` (if any) and half-closes: tells the peer nothing more is coming. */
  *end(data?: string | Uint8Array): Operation<void> {
    if (data !== undefined) yield* this.write(data);
    this.throwIfFailed();
    this.socket.end();
  }

  /**
   * Reads until the peer ends the stream and returns everything. Fails with a `SocketError` if
   * the connection breaks first, or if more than `maxBytes` arrive.
   */
  *readToEnd(maxBytes = Infinity): Operation<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      let chunk: Buffer | null;
      while ((chunk = this.socket.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        total += chunk.length;
        if (total > maxBytes) {
          throw new SocketError(`${this.peer} sent more than ${maxBytes} bytes`, "ETOOLARGE", this.peer);
        }
      }
      if (this.socket.readableEnded) return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
      yield* this.readable();
    }
  }

  /**
   * Reads one line and returns it without its `\n` (and a `\r` before it). At end of stream it
   * returns what is left, or `null` when nothing is.
   */
  *readLine(): Operation<string | null> {
    const chunks: Buffer[] = [];
    for (;;) {
      let chunk: Buffer | null;
      while ((chunk = this.socket.read() as Buffer | null) !== null) {
        const newline = chunk.indexOf(0x0a);
        if (newline === -1) {
          chunks.push(chunk);
          continue;
        }
        chunks.push(chunk.subarray(0, newline));
        if (newline + 1 < chunk.length) this.socket.unshift(chunk.subarray(newline + 1));
        return Buffer.concat(chunks).toString("utf8").replace(/\r$/, "");
      }
      if (this.socket.readableEnded) return chunks.length > 0 ? Buffer.concat(chunks).toString("utf8") : null;
      yield* this.readable();
    }
  }

  /** Closes the connection at once (no more reads or writes). Safe to call twice. */
  close(): void {
    this.socket.destroy();
  }

  private throwIfFailed(): void {
    if (this.error) throw this.error;
    if (this.socket.destroyed) throw this.failure();
  }

  /** Waits until there is something to read or the stream has ended. */
  private readable(): Operation<void> {
    return this.waitFor("readable", `read ${this.peer}`, "end");
  }

  private waitFor(event: string, label: string, orEvent?: string): Operation<void> {
    const socket = this.socket;
    return action<void>(label, (resolve, reject) => {
      this.throwIfFailed();
      const onReady = (): void => resolve();
      const onClose = (): void => reject(this.failure());
      socket.once(event, onReady);
      if (orEvent) socket.once(orEvent, onReady);
      socket.once("close", onClose);
      return () => {
        socket.off(event, onReady);
        if (orEvent) socket.off(orEvent, onReady);
        socket.off("close", onClose);
      };
    });
  }
}
