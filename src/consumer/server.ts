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
import { answerError, answerRequest, type Answer } from "./answer.js";
import type { ConsumerLog } from "./log.js";
import type { Registry } from "./registry.js";

/** How long to keep reading (and dropping) a client's bytes after its reply before closing. */
export const DEFAULT_LINGER_SECONDS = 1;

/** What a {@link BlockingServer} needs. */
export interface BlockingServerOptions {
  readonly registry: Registry;
  readonly log: ConsumerLog;
  readonly limits?: RequestLimits;
  /**
   * After the reply, unread bytes from the client (the rest of a too-large request) are read and
   * dropped for this long before the socket is destroyed: closing a socket with unread bytes
   * sends a reset, and a reset can destroy the reply before the client reads it.
   */
  readonly lingerSeconds?: number;
}

type ClientState = "waiting" | "serving" | "replied" | "gone";

interface Client {
  readonly socket: net.Socket;
  readonly peer: string;
  readonly acceptedAt: number;
  state: ClientState;
  /** The socket's last error, reported when the connection ends. */
  error: Error | undefined;
}

/** A FIFO with O(1) shift, since a crowd of clients may be waiting. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
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

/** A blocking, single-command RPC server over TCP. */
export class BlockingServer {
  private readonly server: net.Server;
  private readonly registry: Registry;
  private readonly log: ConsumerLog;
  private readonly limits: RequestLimits;
  private readonly lingerMs: number;
  private readonly waiting = new Fifo<Client>();
  private serving: Client | null = null;
  private closing = false;
  private closed = false;
  private readonly onClosed: (() => void)[] = [];

  constructor(options: BlockingServerOptions) {
    this.registry = options.registry;
    this.log = options.log;
    this.limits = options.limits ?? DEFAULT_REQUEST_LIMITS;
    this.lingerMs = (options.lingerSeconds ?? DEFAULT_LINGER_SECONDS) * 1000;
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
    for (const client of this.waiting.drain()) {
      client.state = "gone";
      client.socket.destroy();
    }
    // The callback's error only says the server was not listening: closed either way.
    this.server.close(() => {
      this.closed = true;
      for (const callback of this.onClosed.splice(0)) callback();
    });
    return inHand;
  }

  private accept(socket: net.Socket): void {
    const client: Client = { socket, peer: peerOf(socket), acceptedAt: performance.now(), state: "waiting", error: undefined };
    // At once: an EventEmitter without an `error` listener throws, and a reset can come any time.
    socket.on("error", (error) => {
      client.error = error;
    });
    if (this.closing) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.once("close", () => {
      if (client.state === "waiting") {
        client.state = "gone";
        this.log.clientGone(client.peer, `closed while waiting its turn${errorDetail(client.error)}`);
      }
    });
    this.waiting.push(client);
    this.serveNext();
  }

  private serveNext(): void {
    while (this.serving === null) {
      const next = this.waiting.shift();
      if (next === undefined) return;
      if (next.state !== "waiting" || next.socket.destroyed) continue;
      this.serve(next);
    }
  }

  private release(client: Client): void {
    if (this.serving === client) this.serving = null;
    this.serveNext();
  }

  private serve(client: Client): void {
    this.serving = client;
    client.state = "serving";
    const { socket, peer } = client;
    const startedAt = performance.now();
    const framer = new RequestFramer(this.limits.maxRequestBytes);
    let quietTimer: NodeJS.Timeout | undefined;
    const readTimer = setTimeout(() => {
      const seconds = this.limits.readTimeoutSeconds;
      const error = new RpcError("timeout", `no complete request within ${seconds} s; end a request with a newline`);
      respond(answerError(error), "timeout", printableBytes(framer.receivedBytes(), 80));
    }, this.limits.readTimeoutSeconds * 1000);
    const stopTimers = (): void => {
      clearTimeout(readTimer);
      clearTimeout(quietTimer);
    };

    const respond = (answer: Answer, endedBy: string, command: string): void => {
      if (client.state !== "serving") return;
      stopTimers();
      client.state = "replied";
      if (answer.bug !== undefined) this.log.internalError(peer, command, answer.bug);
      let released = false;
      const delivered = (error?: Error | null): void => {
        if (released) return;
        released = true;
        this.log.request({
          peer,
          command,
          outcome: answer.outcome,
          ...(answer.error ? { message: answer.error.message } : {}),
          endedBy,
          durationMs: performance.now() - startedAt,
          waitMs: startedAt - client.acceptedAt,
        });
        const failure = error ?? client.error;
        if (failure) this.log.clientGone(peer, `could not be sent its reply${errorDetail(failure)}`);
        this.linger(socket);
        this.release(client);
      };
      if (socket.destroyed) {
        delivered(client.error ?? new Error("socket closed"));
        return;
      }
      socket.once("close", () => delivered());
      // The callback runs once the reply and our FIN are with the kernel, or on error.
      socket.end(answer.reply, delivered);
    };

    const onFrame = (result: FrameResult): void => {
      if (result.status === "complete") {
        respond(answerRequest(this.registry, result.text), result.endedBy, printable(result.text, 80));
      } else if (result.status === "rejected") {
        respond(answerError(result.error), result.endedBy, printableBytes(framer.receivedBytes(), 80));
      }
    };

    socket.on("data", (chunk: Buffer) => {
      if (client.state !== "serving") return; // after the reply: read and drop (see lingerSeconds)
      clearTimeout(quietTimer);
      const result = framer.push(chunk);
      if (result.status !== "incomplete") return onFrame(result);
      quietTimer = setTimeout(() => onFrame(framer.quiet()), this.limits.quietSeconds * 1000);
    });
    socket.on("end", () => {
      if (client.state === "serving") onFrame(framer.end());
    });
    socket.once("close", () => {
      if (client.state !== "serving") return;
      stopTimers();
      client.state = "gone";
      const got = framer.bytesReceived === 0 ? "" : ` after ${JSON.stringify(printableBytes(framer.receivedBytes(), 80))}`;
      this.log.clientGone(peer, `went away before a complete request${got}${errorDetail(client.error)}`);
      this.release(client);
    });
    socket.resume(); // accepted paused, and `readableFlowing` is false: `data` alone does not resume
  }

  private linger(socket: net.Socket): void {
    if (socket.destroyed) return;
    const timer = setTimeout(() => socket.destroy(), this.lingerMs);
    socket.once("close", () => clearTimeout(timer));
  }
}
