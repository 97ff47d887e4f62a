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
import { DONE, failure, operation, success, type Effect, type Operation, type Resume, type Result, type Teardown } from "./effect.js";
import { checkSeconds, TimeoutError } from "./errors.js";
import type { Timeboxed } from "./timeout.js";

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

/** Options of {@link connect}. */
export interface ConnectOptions {
  /**
   * A limit, in seconds, on the connection's whole life from this call on: connecting, writing,
   * reading. When it runs out the socket is destroyed, and the pending wait (or the next one)
   * throws a `TimeoutError`. `close()` clears it.
   */
  readonly deadline?: number;
  /** What the `TimeoutError` says was cut short (default `connection to HOST:PORT`). */
  readonly what?: string;
  /** The other end as errors name it (default `HOST:PORT`): a client calling one peer often names it once. */
  readonly peer?: string;
}

/**
 * Opens a TCP connection to `host:port` and waits until it is established.
 *
 * @example
 * const connection = yield* connect("127.0.0.1", 9000, { deadline: 5 });
 * try {
 *   yield* connection.write("system ping\n");
 *   const reply = yield* connection.readToEnd();
 * } finally {
 *   connection.close();
 * }
 */
export function connect(host: string, port: number, options?: ConnectOptions): Operation<Connection> {
  return operation(() => runConnect(host, port, options));
}

/** Each run of `connect` opens its own socket. */
function* runConnect(host: string, port: number, options?: ConnectOptions): Iterator<Effect<unknown>, Connection, unknown> {
  const { deadline, peer = `${host}:${port}`, what = `connection to ${peer}` } = options ?? {};
  if (deadline !== undefined) checkSeconds(deadline, "connect deadline"); // before a socket exists
  // noDelay: small request/reply messages, don't wait to coalesce.
  const connection = new Connection(netConnect({ host, port, noDelay: true }), peer);
  if (deadline !== undefined) connection.expireAfter(deadline, what);
  let connected = false;
  try {
    yield new SocketWait(connection, CONNECT);
    connected = true;
  } finally {
    if (!connected) connection.close(); // failed, or halted while connecting
  }
  return connection;
}

/** What a task waits for on a socket. `close` ends every wait: with an error, as the peer went away. */
type WaitKind = typeof CONNECT | typeof READ | typeof DRAIN;
const CONNECT = 0;
const READ = 1;
const DRAIN = 2;
const LABELS = ["connect", "read", "write"] as const;

/**
 * One TCP connection, driven by operations. `close()` is synchronous, so it is safe in `finally`.
 *
 * The socket's listeners are attached once, here, and never removed: a task waits on the
 * connection's one wait slot, and a socket event wakes whoever is in it. Adding `once` listeners
 * for each wait would cost a wrapper per listener, and a `close` listener left behind by a wait
 * that ended would still fire (and build its error) when the call closes the socket.
 */
export class Connection {
  private error: SocketError | TimeoutError | undefined;
  /** The task waiting on this socket, if any (one at a time: a connection has one reader). */
  private waiting: SocketWait | undefined;
  private deadline: NodeJS.Timeout | undefined;
  /** Set by `discardInput`: told once if the connection breaks before `close()`. */
  private onGone: ((error: SocketError | TimeoutError) => void) | undefined;
  private discarding = false;
  /** @internal the teardown of every wait, made once per connection */
  readonly cancelWait: Teardown;

  /** See `peer`. */
  private peerName: string | undefined;

  constructor(
    private readonly socket: Socket,
    /** `host:port` of the other end; left out for an accepted client (see `peer`). */
    peer?: string,
    /** For an accepted client: the listener's address, to name the client by once it is gone. */
    private readonly acceptedOn?: string,
  ) {
    this.peerName = peer;
    // Assigned here, not as a class field: tsx (esbuild keepNames) wraps a named arrow field in a
    // `__name()` call for every connection; an arrow assigned to a property is left alone.
    this.cancelWait = () => {
      const wait = this.waiting;
      this.waiting = undefined;
      if (wait?.timer !== undefined) clearTimeout(wait.timer);
    };
    // The listeners are shared by every connection (Node calls each with the socket as `this`),
    // not six closures per connection: a gateway makes two connections per request.
    (socket as OwnedSocket)[OWNER] = this;
    socket.on("error", onError);
    socket.on("connect", onConnect);
    // `readable` fires once more at the end of stream; `end` covers a stream that ends empty.
    socket.on("readable", onReadable);
    socket.on("end", onEnd);
    socket.on("drain", onDrain);
    socket.on("close", onClose);
  }

  /**
   * `host:port` of the other end. For an accepted client, asked of the system (`getpeername`)
   * when first wanted, not at accept: that system call was ~3 % of a gateway's CPU per request,
   * and a gateway that logs no client line never names most of its clients. Once the socket is
   * destroyed the system no longer knows: if nobody asked before, the client is then named by
   * where it came (`a client of 127.0.0.1:8000`), as in an error about its reset.
   */
  get peer(): string {
    return (this.peerName ??= this.socket.remoteAddress === undefined && this.acceptedOn !== undefined ? `a client of ${this.acceptedOn}` : peerOf(this.socket));
  }

  /** @internal The socket's `error` event: kept for the next wait to throw. */
  failed(error: Error): void {
    this.error ??= socketError(error, this.peer);
  }

  /** @internal The socket's `readable` event. */
  readable(): void {
    if (this.discarding) this.drop();
    else this.wake(READ);
  }

  /**
   * @internal Bounds the rest of the connection's life (see {@link ConnectOptions.deadline}). One
   * timer on the connection rather than `withTimeout` around a call: that spawns a task per call,
   * which cost an RPC client about 20 µs of CPU per call (docs/BENCHMARKS.md).
   */
  expireAfter(seconds: number, what: string): void {
    // `connect` checked `seconds`. The error is built only if the time runs out: an Error
    // captures a stack, which costs.
    this.deadline = setTimeout(expire, seconds * 1000, this, seconds, what);
  }

  /** @internal The deadline ran out: destroy the socket and fail whoever waits, now or later. */
  expire(seconds: number, what: string): void {
    this.error ??= new TimeoutError(seconds, what);
    this.socket.destroy();
    this.wakeOnClose();
  }

  /** The error that ended the socket, or a plain "closed" error when it closed without one. */
  failure(): SocketError | TimeoutError {
    return this.error ?? new SocketError(`connection closed by ${this.peer}`, "ECLOSED", this.peer);
  }

  // Each of these returns an operation (`operation(() => …)`), so a saved `write(data)` writes
  // again when run again; the work is in the generator methods below.

  /** Writes `data`, waiting for `drain` when the kernel buffer is full. */
  write(data: string | Uint8Array): Operation<void> {
    return operation(() => this.runWrite(data));
  }

  /** Writes `data` (if any) and half-closes: tells the peer nothing more is coming. */
  end(data?: string | Uint8Array): Operation<void> {
    return operation(() => this.runEnd(data));
  }

  /**
   * Reads until the peer ends the stream and returns everything. Fails with a `SocketError` if
   * the connection breaks first, or if more than `maxBytes` arrive.
   */
  readToEnd(maxBytes = Infinity): Operation<Buffer> {
    return operation(() => this.runReadToEnd(maxBytes));
  }

  /**
   * Reads what has arrived (waiting while nothing has) and returns it; `null` once the peer has
   * ended the stream and every byte was read.
   */
  read(): Operation<Buffer | null> {
    return operation(() => this.runRead());
  }

  /**
   * `read()` with a time limit: `{ timedOut: true }` when nothing arrived within `seconds`. The
   * same as `timebox(seconds, connection.read())`, but the limit is one timer on the socket's
   * wait, not a task around it: a server reads each request this way, and a task per read was a
   * good part of what the producer's front door spent per request (docs/BENCHMARKS.md, gateway).
   */
  readWithin(seconds: number): Operation<Timeboxed<Buffer | null>> {
    return operation(() => this.runReadWithin(seconds));
  }

  /**
   * For a server that has read its request and now waits elsewhere (on a queue) for the answer:
   * from now on, bytes that arrive are read and dropped, and `onGone` is called once, from the
   * socket's own callback, if the connection breaks (a reset; the deadline) before `close()` —
   * at once if it already has. No task watches the socket meanwhile (one per client was the other
   * good part, with `readWithin`'s). Reads after this get nothing of what arrived.
   */
  discardInput(onGone: (error: SocketError | TimeoutError) => void): void {
    this.discarding = true;
    if (this.error || this.socket.destroyed) {
      onGone(this.failure());
      return;
    }
    this.onGone = onGone;
    this.drop();
  }

  /**
   * Reads one line and returns it without its `\n` (and a `\r` before it). At end of stream it
   * returns what is left, or `null` when nothing is.
   */
  readLine(): Operation<string | null> {
    return operation(() => this.runReadLine());
  }

  private *runWrite(data: string | Uint8Array): Iterator<Effect<unknown>, void, unknown> {
    this.throwIfFailed();
    if (this.socket.write(data)) return;
    yield new SocketWait(this, DRAIN);
  }

  private *runEnd(data?: string | Uint8Array): Iterator<Effect<unknown>, void, unknown> {
    // runWrite's steps in place (not `yield* this.write(data)`): a server ends every exchange here.
    if (data !== undefined) {
      this.throwIfFailed();
      if (!this.socket.write(data)) yield new SocketWait(this, DRAIN);
    }
    this.throwIfFailed();
    this.socket.end();
  }

  private *runReadToEnd(maxBytes: number): Iterator<Effect<unknown>, Buffer, unknown> {
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
      yield new SocketWait(this, READ);
    }
  }

  private *runRead(): Iterator<Effect<unknown>, Buffer | null, unknown> {
    for (;;) {
      const chunk = this.socket.read() as Buffer | null;
      if (chunk !== null) return chunk;
      if (this.socket.readableEnded) return null;
      yield new SocketWait(this, READ);
    }
  }

  private *runReadWithin(seconds: number): Iterator<Effect<unknown>, Timeboxed<Buffer | null>, unknown> {
    const until = performance.now() + checkSeconds(seconds, "readWithin");
    for (;;) {
      const chunk = this.socket.read() as Buffer | null;
      if (chunk !== null) return { timedOut: false, value: chunk };
      if (this.socket.readableEnded) return { timedOut: false, value: null };
      const left = until - performance.now();
      if (left <= 0 || (yield new SocketWait(this, READ, left)) === TIMED_OUT) return { timedOut: true };
    }
  }

  private *runReadLine(): Iterator<Effect<unknown>, string | null, unknown> {
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
      yield new SocketWait(this, READ);
    }
  }

  /** Closes the connection at once (no more reads or writes). Safe to call twice. */
  close(): void {
    this.onGone = undefined;
    clearTimeout(this.deadline);
    this.socket.destroy();
  }

  /** @internal Starts a wait; resumes at once when the socket is already where the wait wants it. */
  beginWait(wait: SocketWait, resume: Resume<unknown>): Teardown {
    if (this.error || this.socket.destroyed) {
      resume(failure(this.failure()));
    } else if (wait.kind === CONNECT && !this.socket.connecting) {
      resume(DONE);
    } else {
      wait.resume = resume;
      this.waiting = wait;
      // Integer milliseconds: Node keeps one timer list per distinct duration.
      if (wait.limitMs !== undefined) wait.timer = setTimeout(timeOut, Math.ceil(wait.limitMs), this, wait);
    }
    return this.cancelWait;
  }

  /** @internal A timed wait's time ran out. */
  timeOut(wait: SocketWait): void {
    if (this.waiting !== wait) return;
    this.waiting = undefined;
    wait.resume!(TIMED_OUT_RESULT);
  }

  /** @internal A socket event `kind` waits for came. */
  wake(kind: WaitKind): void {
    const wait = this.waiting;
    if (wait === undefined || wait.kind !== kind) return;
    this.waiting = undefined;
    if (wait.timer !== undefined) clearTimeout(wait.timer);
    wait.resume!(DONE);
  }

  /** @internal The socket closed (or the deadline destroyed it): every wait ends. */
  wakeOnClose(): void {
    const onGone = this.onGone;
    if (onGone !== undefined) {
      this.onGone = undefined;
      onGone(this.failure());
    }
    const wait = this.waiting;
    if (wait === undefined) return;
    this.waiting = undefined;
    if (wait.timer !== undefined) clearTimeout(wait.timer);
    wait.resume!(failure(this.failure())); // the error is built only when someone receives it
  }

  /** Reads and drops what has arrived (after `discardInput`). */
  private drop(): void {
    while (this.socket.read() !== null);
  }

  private throwIfFailed(): void {
    if (this.error) throw this.error;
    if (this.socket.destroyed) throw this.failure();
  }
}

/** `host:port` of a socket's other end, `[::1]:port` for IPv6. */
function peerOf(socket: Socket): string {
  const host = socket.remoteAddress ?? "unknown";
  return `${host.includes(":") ? `[${host}]` : host}:${socket.remotePort ?? 0}`;
}

/** Where a socket's shared listeners find their connection. */
const OWNER = Symbol("connection");
type OwnedSocket = Socket & { [OWNER]: Connection };

function onError(this: Socket, error: Error): void {
  (this as OwnedSocket)[OWNER].failed(error);
}

function onConnect(this: Socket): void {
  (this as OwnedSocket)[OWNER].wake(CONNECT);
}

function onReadable(this: Socket): void {
  (this as OwnedSocket)[OWNER].readable();
}

function onEnd(this: Socket): void {
  (this as OwnedSocket)[OWNER].wake(READ);
}

function onDrain(this: Socket): void {
  (this as OwnedSocket)[OWNER].wake(DRAIN);
}

function onClose(this: Socket): void {
  (this as OwnedSocket)[OWNER].wakeOnClose();
}

function expire(connection: Connection, seconds: number, what: string): void {
  connection.expire(seconds, what);
}

function timeOut(connection: Connection, wait: SocketWait): void {
  connection.timeOut(wait);
}

/** What a timed wait resumes with when its time runs out (a plain wait resumes with `undefined`). */
const TIMED_OUT = Symbol("timed out");
const TIMED_OUT_RESULT: Result<unknown> = success(TIMED_OUT);

/** A task waiting on a connection (a class, not an object of named closures: it is made per wait). */
class SocketWait implements Effect<unknown> {
  resume: Resume<unknown> | undefined;
  /** The timer of a timed wait (`readWithin`), set while it waits. */
  timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: Connection,
    readonly kind: WaitKind,
    /** A timed wait gives up after this long, resuming with `TIMED_OUT`. */
    readonly limitMs?: number,
  ) {}

  /** Made only when asked (by a trace): most waits are never labelled. */
  get label(): string {
    return `${LABELS[this.kind]} ${this.connection.peer}`;
  }

  enter(resume: Resume<unknown>): Teardown {
    return this.connection.beginWait(this, resume);
  }
}
