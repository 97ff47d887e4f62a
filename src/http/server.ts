/**
 * An HTTP/1.1 server on the loop, on `node:http` (keep-alive, parsing, chunked bodies: all
 * Node's). Node calls back once per request; the callback only puts the exchange into a `Queue`,
 * and `accept` is that queue's `get`, so a server is a coroutine that accepts exchanges and
 * spawns a task for each — the same shape as a TCP server on the loop (`listen` / `accept`).
 * Waiting for a request's body or for its client to go away is an `action`.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import { action, Queue, SocketError, type Operation } from "../loop/index.js";
import { bind, closedAgain, closedError, listenError } from "../loop/listen.js";

/** An exchange that cannot go on: `ETOOLARGE` for a body over the limit, `EABORTED` for a client that went away. */
export class HttpServerError extends Error {
  override readonly name = "HttpServerError";
  constructor(
    message: string,
    readonly code: "ETOOLARGE" | "EABORTED",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One request and its response. */
export class HttpExchange {
  readonly method: string;
  /** The path without the query: `/rpc`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** `host:port` of the client. */
  readonly peer: string;
  private finished = false;

  /** @internal made by the server */
  constructor(
    readonly request: IncomingMessage,
    private readonly response: ServerResponse,
  ) {
    this.method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://localhost");
    this.path = url.pathname;
    this.query = url.searchParams;
    const host = request.socket.remoteAddress ?? "unknown";
    this.peer = `${host.includes(":") ? `[${host}]` : host}:${request.socket.remotePort ?? 0}`;
    response.on("finish", () => (this.finished = true));
  }

  /** True once the client went away before the whole response was sent. */
  get aborted(): boolean {
    return !this.finished && (this.response.destroyed || this.request.socket.destroyed);
  }

  /**
   * Reads the whole body. Fails with `HttpServerError` `ETOOLARGE` past `maxBytes` (the rest is
   * not read) or `EABORTED` when the client goes away first.
   */
  readBody(maxBytes: number): Operation<Buffer> {
    return action<Buffer>(`read body from ${this.peer}`, (resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      const onData = (chunk: Buffer): void => {
        total += chunk.length;
        if (total > maxBytes) {
          cleanup();
          this.request.pause();
          reject(new HttpServerError(`the body is longer than ${maxBytes} bytes`, "ETOOLARGE"));
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(Buffer.concat(chunks, total));
      };
      const onClose = (): void => {
        if (this.request.complete) return; // 'end' came first
        cleanup();
        reject(new HttpServerError(`${this.peer} went away while sending its request`, "EABORTED"));
      };
      const cleanup = (): void => {
        this.request.off("data", onData).off("end", onEnd).off("close", onClose);
      };
      this.request.on("data", onData).on("end", onEnd).on("close", onClose);
      return cleanup;
    });
  }

  /**
   * Waits until the client goes away before its response was sent (never returns once it was
   * sent): for a task whose whole job is to serve until then (an event stream).
   */
  untilAborted(): Operation<void> {
    return action<void>(`watch ${this.peer}`, (resolve) => this.whenAborted(resolve));
  }

  /**
   * Calls `onAborted` once, from the response's own callback, if the client goes away before its
   * response was sent — at once if it already has. Returns the unwatch. For an exchange that
   * waits elsewhere (on a queue) for its answer: no task watches the client meanwhile (see
   * `Connection.discardInput`).
   */
  whenAborted(onAborted: () => void): () => void {
    if (this.aborted) {
      onAborted();
      return noop;
    }
    const onClose = (): void => {
      if (!this.finished) onAborted();
    };
    this.response.once("close", onClose);
    return () => this.response.off("close", onClose);
  }

  /**
   * Starts a response that is written piece by piece (a stream of Server-Sent Events), with no
   * length: HTTP/1.1 sends it chunked until `end()`. The headers leave at once, so a client
   * knows the stream is open before its first piece. `maxPendingBytes` bounds what a client that
   * reads too slowly can make the server hold (see {@link HttpStream.write}).
   */
  openStream(status: number, headers: OutgoingHttpHeaders, maxPendingBytes = DEFAULT_STREAM_PENDING_BYTES): HttpStream {
    this.response.writeHead(status, { "cache-control": "no-store", ...headers });
    this.response.flushHeaders();
    return new HttpStream(this.response, maxPendingBytes);
  }

  /** Sends the whole response (synchronous: safe in `finally`). A second call, or one after the client left, does nothing. */
  respond(status: number, body: string, headers: OutgoingHttpHeaders = {}): void {
    if (this.response.headersSent || this.response.destroyed) return;
    const bytes = Buffer.from(body, "utf8");
    this.response.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": bytes.length, ...headers });
    this.response.end(bytes);
  }
}

/** What a stream may hold unsent for a slow client before it drops pieces: 256 KiB. */
export const DEFAULT_STREAM_PENDING_BYTES = 256 * 1024;

/** A response written piece by piece ({@link HttpExchange.openStream}). Synchronous, so `end()` is safe in `finally`. */
export class HttpStream {
  /** @internal made by {@link HttpExchange.openStream} */
  constructor(
    private readonly response: ServerResponse,
    private readonly maxPendingBytes: number,
  ) {}

  /** True once the stream was ended or its client went away: writing does nothing more. */
  get closed(): boolean {
    return this.response.writableEnded || this.response.destroyed;
  }

  /**
   * Writes `text` now. Returns false, writing nothing, when the stream is closed, or when the
   * client has not taken what was written before (more than `maxPendingBytes` waits in Node's
   * buffer): a client that stops reading must not make the server's memory grow, and a stream
   * whose every piece stands alone (each carries the whole state) loses nothing by a gap.
   */
  write(text: string): boolean {
    if (this.closed || this.response.writableLength > this.maxPendingBytes) return false;
    this.response.write(text, "utf8");
    return true;
  }

  /** Writes `last` (if any) and ends the response; does nothing once closed. */
  end(last?: string): void {
    if (this.closed) return;
    if (last === undefined) this.response.end();
    else this.response.end(last, "utf8");
  }
}

/** A listening HTTP server. */
export class HttpListener {
  private readonly incoming = new Queue<HttpExchange | SocketError>(Infinity, "http.accept");

  /** @internal made by {@link serveHttp} */
  constructor(
    private readonly server: Server,
    /** `host:port` actually bound. */
    readonly address: string,
    readonly port: number,
  ) {
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      this.incoming.offer(new HttpExchange(request, response));
    });
    // Errors after start (EMFILE while accepting) are thrown by `accept`, once each: never dropped.
    server.on("error", (error: NodeJS.ErrnoException) => this.incoming.offer(listenError(error, address)));
  }

  /** Waits for the next request. Throws a `SocketError` as a TCP listener's `accept` does (`ECLOSED` once closed). */
  *accept(): Operation<HttpExchange> {
    const next = yield* this.incoming.get();
    if (next instanceof SocketError) throw closedAgain(this.incoming, next);
    return next;
  }

  /** Stops accepting, closes idle keep-alive connections, answers 503 to requests not accepted yet. */
  close(): void {
    this.server.close();
    this.server.closeIdleConnections();
    for (const next of this.incoming.removeWhere(() => true)) {
      if (next instanceof HttpExchange) next.respond(503, "shutting down\n", { connection: "close" });
    }
    this.incoming.offer(closedError(this.address));
  }
}

/**
 * Binds `host:port` (0: a port the system picks) and returns the listener once it accepts. Fails
 * with a `SocketError` naming the address (`EADDRINUSE`, …).
 *
 * @example
 * const http = yield* serveHttp("127.0.0.1", 8080);
 * for (;;) {
 *   const exchange = yield* http.accept();
 *   yield* spawn(function* () { exchange.respond(200, "ok\n"); });
 * }
 */
export function* serveHttp(host: string, port: number): Operation<HttpListener> {
  const server = createServer({ keepAlive: true });
  const bound = yield* bind(server, host, port);
  return new HttpListener(server, bound.address, bound.port);
}

function noop(): void {}
