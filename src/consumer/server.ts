// The blocking consumer (PROTOCOL §3): one connection at a time, from accept to reply, in arrival
// order. Node accepts every pending connection at once and would read them all, so connections
// are accepted paused (`pauseOnConnect`) and wait in a FIFO; only the head is resumed, and its
// read timeout starts then, not at accept, so a client waiting its turn never times out. The
// next client is resumed only once the reply is handed to the kernel: no request is read before
// the previous reply is written. A handler runs synchronously; while it runs, nothing else does.

import net from "node:net";
import {
  DEFAULT_REQUEST_LIMITS,
  RequestFramer,
  RpcError,
  printable,
  printableBytes,
  type FrameResult,
  type RequestLimits,
} from "../rpc/index.js";
import { WaitingLine } from "./waiting-line.js";
import { answerError, answerRequest, type Answer } from "./answer.js";
import type { ConsumerLog } from "./log.js";
import type { Registry } from "./registry.js";

/** What a {@link BlockingServer} needs. */
export interface BlockingServerOptions {
  readonly registry: Registry;
  readonly log: ConsumerLog;
  /** The request limits; the read timeout also bounds taking the reply and closing after it. */
  readonly limits?: RequestLimits;
}

function peerOf(socket: net.Socket): string {
  const { remoteAddress, remotePort } = socket;
  if (remoteAddress === undefined || remotePort === undefined) return "unknown peer";
  return remoteAddress.includes(":") ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
}

function errorDetail(error: Error | undefined): string {
  if (error === undefined) return "";
  const code = (error as NodeJS.ErrnoException).code;
  return ` (${code ?? error.message})`;
}

const NOTHING = Buffer.alloc(0);

/** What a {@link BlockingConnection} needs from its server. */
interface ConnectionContext {
  readonly registry: Registry;
  readonly log: ConsumerLog;
  readonly limits: RequestLimits;
  /** Called once when the connection is no longer in hand: replied, or gone. */
  released(connection: BlockingConnection): void;
}

/**
 * `waiting` in line, `serving` (reading its request), `replying` (reply handed to the socket),
 * `done` (reply with the kernel; lingering until the client closes), or `gone` (closed early).
 */
type ConnectionState = "waiting" | "serving" | "replying" | "done" | "gone";

/**
 * One client of the blocking server, from accept to close. A class rather than closures: a
 * connection is made per request, and its handlers are then shared methods instead of a dozen
 * fresh functions each.
 *
 * Why not the loop's `Connection` (src/loop/net.ts): that one is a client's socket for code on the
 * generator loop — `yield* connect(…)`, `yield* readToEnd()`, one deadline over its whole life.
 * The consumer is a blocking server by design and does not run on the loop: its handlers compute
 * synchronously, and nothing else may happen meanwhile. Its connections are accepted paused, wait
 * their turn in a {@link WaitingLine}, are resumed one at a time, and end a request at a newline, a
 * half-close or 100 ms of quiet — callbacks on Node's events say that most directly.
 *
 * One deadline, restarted at each step, bounds every step by the read timeout: sending the
 * request (then the reply is `ERROR timeout`), taking the reply (a client that does not read a
 * reply too big for the kernel's buffers would hold the server forever; it is cut off), and
 * closing after it. Until the client closes, its bytes are read and dropped: closing a socket
 * with unread bytes (the rest of a too-large request) sends a reset, which can destroy the
 * reply before the client has read it.
 */
class BlockingConnection {
  state: ConnectionState = "waiting";
  readonly peer: string;
  readonly acceptedAt = performance.now();
  /** The socket's last error, reported when the connection ends. */
  private error: Error | undefined;
  private startedAt = 0;
  private framer: RequestFramer | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private quietTimer: NodeJS.Timeout | undefined;
  private answer: Answer | undefined;
  private command = "";
  private endedBy = "";

  constructor(
    readonly socket: net.Socket,
    private readonly context: ConnectionContext,
  ) {
    this.peer = peerOf(socket);
    // At once: an EventEmitter without an `error` listener throws, and a reset can come any time.
    socket.on("error", (error: Error) => {
      this.error = error;
    });
    socket.on("close", () => this.onClose());
  }

  /** Closes a connection that was never served (at shutdown). */
  drop(): void {
    this.state = "gone";
    this.socket.destroy();
  }

  /** Takes the connection in hand: read its request and answer it. */
  serve(): void {
    const { socket, context } = this;
    this.state = "serving";
    this.startedAt = performance.now();
    this.framer = new RequestFramer(context.limits.maxRequestBytes);
    this.deadline = setTimeout(() => this.onDeadline(), context.limits.readTimeoutSeconds * 1000);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("end", () => this.onEnd());
    socket.resume(); // accepted paused, and `readableFlowing` is false: `data` alone does not resume
  }

  private onData(chunk: Buffer): void {
    if (this.state !== "serving") return; // after the reply: read and drop until the client closes
    clearTimeout(this.quietTimer);
    const result = this.framer!.push(chunk);
    if (result.status !== "incomplete") return this.onFrame(result);
    this.quietTimer = setTimeout(() => this.onFrame(this.framer!.quiet()), this.context.limits.quietSeconds * 1000);
  }

  private onEnd(): void {
    if (this.state === "serving") this.onFrame(this.framer!.end());
  }

  private onDeadline(): void {
    const seconds = this.context.limits.readTimeoutSeconds;
    switch (this.state) {
      case "serving": {
        const error = new RpcError("timeout", `no complete request within ${seconds} s; end a request with a newline`);
        return this.respond(answerError(error), "timeout", this.receivedText());
      }
      case "replying":
        this.socket.destroy(new Error(`reply not taken within ${seconds} s`));
        return;
      case "done":
        this.socket.destroy();
        return;
    }
  }

  private onFrame(result: FrameResult): void {
    if (result.status === "complete") {
      const command = printable(result.text, 80);
      if (this.clientGone()) return this.skip(command);
      this.respond(answerRequest(this.context.registry, result.text), result.endedBy, command);
    } else if (result.status === "rejected") {
      this.respond(answerError(result.error), result.endedBy, this.receivedText());
    }
  }

  /**
   * Whether the client is known to be gone (it reset or closed the connection), so that its
   * request need not be computed: resets cost an attacker nothing and a consumer a computation
   * each. A reset that came while the connection waited its turn shows no event of its own (the
   * kernel hands over the request, then end of stream, as for a half-close), so ask the kernel:
   * a write of zero bytes sends nothing on a live connection and fails at once on a reset one.
   */
  private clientGone(): boolean {
    if (this.error !== undefined || this.socket.destroyed) return true;
    this.socket.write(NOTHING);
    return this.socket.errored !== null || this.socket.destroyed;
  }

  /** Drops a request whose client is gone, without computing it. */
  private skip(command: string): void {
    this.stopTimers();
    this.state = "gone";
    const why = this.error ?? this.socket.errored ?? undefined;
    this.context.log.skipped(this.peer, command, `the client is gone${errorDetail(why)}; not computed`);
    this.socket.destroy();
    this.context.released(this);
  }

  private receivedText(): string {
    return this.framer === undefined ? "" : printableBytes(this.framer.receivedBytes(), 80);
  }

  private stopTimers(): void {
    clearTimeout(this.deadline);
    clearTimeout(this.quietTimer);
  }

  private respond(answer: Answer, endedBy: string, command: string): void {
    if (this.state !== "serving") return;
    clearTimeout(this.quietTimer);
    this.state = "replying";
    this.answer = answer;
    this.endedBy = endedBy;
    this.command = command;
    if (answer.bug !== undefined) this.context.log.internalError(this.peer, command, answer.bug);
    if (this.socket.destroyed) return this.delivered(this.error ?? new Error("socket closed"));
    this.deadline?.refresh();
    // The next client is served as soon as this reply is with the kernel (the write callback),
    // without waiting for our FIN to complete: that would cost a turn of the event loop each.
    this.socket.write(answer.reply, (error) => this.delivered(error));
    this.socket.end();
  }

  private delivered(error?: Error | null): void {
    if (this.state !== "replying") return;
    this.state = "done";
    const { log } = this.context;
    const answer = this.answer!;
    log.request({
      peer: this.peer,
      command: this.command,
      outcome: answer.outcome,
      message: answer.error?.message,
      endedBy: this.endedBy,
      durationMs: performance.now() - this.startedAt,
      waitMs: this.startedAt - this.acceptedAt,
    });
    const failure = error ?? this.error;
    if (failure) log.clientGone(this.peer, `could not be sent its reply${errorDetail(failure)}`);
    if (this.socket.destroyed) clearTimeout(this.deadline);
    else this.deadline?.refresh();
    this.context.released(this);
  }

  private onClose(): void {
    const { log } = this.context;
    switch (this.state) {
      case "waiting":
        this.state = "gone";
        log.clientGone(this.peer, `closed while waiting its turn${errorDetail(this.error)}`);
        return;
      case "serving": {
        this.stopTimers();
        this.state = "gone";
        const got = this.framer?.bytesReceived ? ` after "${this.receivedText()}"` : "";
        log.clientGone(this.peer, `went away before a complete request${got}${errorDetail(this.error)}`);
        this.context.released(this);
        return;
      }
      case "replying":
        return this.delivered(this.error ?? new Error("closed before the reply was written"));
      case "done":
        clearTimeout(this.deadline);
        return;
      case "gone":
        return;
    }
  }
}

/** A blocking, single-command RPC server over TCP. */
export class BlockingServer {
  private readonly server: net.Server;
  private readonly log: ConsumerLog;
  private readonly context: ConnectionContext;
  private readonly waiting = new WaitingLine<BlockingConnection>();
  private serving: BlockingConnection | null = null;
  private closing = false;
  private closed = false;
  private readonly onClosed: (() => void)[] = [];

  constructor(options: BlockingServerOptions) {
    this.log = options.log;
    this.context = {
      registry: options.registry,
      log: options.log,
      limits: options.limits ?? DEFAULT_REQUEST_LIMITS,
      released: (connection) => this.release(connection),
    };
    this.server = net.createServer(
      // allowHalfOpen: a client that half-closes after its request still gets the reply.
      { pauseOnConnect: true, allowHalfOpen: true, noDelay: true },
      (socket) => this.accept(socket),
    );
  }

  /** Clients accepted and waiting for their turn. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** The bound address, once listening. */
  address(): net.AddressInfo | null {
    const address = this.server.address();
    return address !== null && typeof address === "object" ? address : null;
  }

  /**
   * Binds `host:port` and logs `listening on HOST:PORT`. `onFail` gets a bind error
   * (`EADDRINUSE`, `EADDRNOTAVAIL`, `ENOTFOUND` ...) and nothing is listening then.
   */
  listen(host: string, port: number, onReady: (address: net.AddressInfo) => void, onFail: (error: NodeJS.ErrnoException) => void): void {
    const fail = (error: NodeJS.ErrnoException): void => onFail(error);
    this.server.once("error", fail);
    this.server.listen({ host, port, exclusive: true }, () => {
      this.server.off("error", fail);
      // After the bind, an error is a failed accept (EMFILE ...): Node retries; say so and go on.
      this.server.on("error", (error) => this.log.serverProblem(`accept failed${errorDetail(error)}; still serving`));
      const address = this.address();
      if (address === null) {
        onFail(Object.assign(new Error("the server has no TCP address after listen"), { code: "ENOADDR" }));
        return;
      }
      this.log.listening(address.address, address.port);
      onReady(address);
    });
  }

  /**
   * Stops accepting, closes the clients still waiting (they have not been read, so a producer
   * can retry them elsewhere), lets the request in hand finish, then calls `onClosed` once every
   * connection is closed. Returns whether a request was in hand.
   */
  close(onClosed: () => void): boolean {
    const inHand = this.serving !== null;
    if (this.closed) {
      setImmediate(onClosed);
      return inHand;
    }
    this.onClosed.push(onClosed);
    if (this.closing) return inHand;
    this.closing = true;
    for (const connection of this.waiting.drain()) connection.drop();
    // The callback's error only says the server was not listening: closed either way.
    this.server.close(() => {
      this.closed = true;
      for (const callback of this.onClosed.splice(0)) callback();
    });
    return inHand;
  }

  private accept(socket: net.Socket): void {
    const connection = new BlockingConnection(socket, this.context);
    if (this.closing) return connection.drop();
    this.waiting.push(connection);
    this.serveNext();
  }

  private serveNext(): void {
    while (this.serving === null) {
      const next = this.waiting.shift();
      if (next === undefined) return;
      if (next.state !== "waiting" || next.socket.destroyed) continue;
      this.serving = next;
      next.serve();
    }
  }

  private release(connection: BlockingConnection): void {
    if (this.serving === connection) this.serving = null;
    this.serveNext();
  }
}
