/**
 * A TCP server on the loop: `listen` binds, `accept` waits for the next client and hands it over
 * as a `Connection`, read and written with the same operations as one made by `connect`.
 *
 * Node accepts connections by itself and calls back; the callback only puts the socket into an
 * unbounded `Queue`, and `accept` is that queue's `get`. A server that serves many clients at
 * once (a producer's front door) spawns a task per accepted connection.
 */
import { createServer, type Server, type Socket } from "node:net";
import { action } from "./action.js";
import type { Operation } from "./effect.js";
import { Connection, SocketError } from "./net.js";
import { Queue } from "./queue.js";

/** A listening TCP server. `close()` is synchronous, so it is safe in `finally`. */
export class Listener {
  /** Accepted clients, and the server's own errors, in the order they came: `accept` takes them. */
  private readonly incoming = new Queue<Socket | SocketError>(Infinity, "accept");

  /** @internal made by {@link listen} */
  constructor(
    private readonly server: Server,
    /** `host:port` actually bound (`[::1]:8000` for IPv6; the real port when 0 was asked for). */
    readonly address: string,
    /** The port actually bound. */
    readonly port: number,
  ) {
    server.on("connection", (socket) => {
      // An error listener at once (see net.ts). A socket that fails before it is accepted is
      // destroyed by Node, and its Connection's first wait then fails: nothing is lost.
      socket.on("error", ignoreUntilAccepted);
      this.incoming.offer(socket);
    });
    // The server's own errors (EMFILE while accepting) do not stop it: `accept` throws each one
    // once, and the caller decides (log it and accept on, or stop).
    server.on("error", (error: NodeJS.ErrnoException) => this.incoming.offer(listenError(error, address)));
  }

  /**
   * Waits for the next client. Throws a `SocketError` the server met while accepting, and one
   * with code `ECLOSED` once the listener is closed (also to a task already waiting).
   */
  *accept(): Operation<Connection> {
    const next = yield* this.incoming.get();
    if (next instanceof SocketError) throw closedAgain(this.incoming, next);
    next.off("error", ignoreUntilAccepted);
    return new Connection(next, undefined, this.address); // its peer is asked of the system only when wanted
  }

  /** Stops accepting and drops the clients not accepted yet. Safe to call twice. */
  close(): void {
    this.server.close();
    for (const next of this.incoming.removeWhere(() => true)) if (!(next instanceof SocketError)) next.destroy();
    this.incoming.offer(closedError(this.address));
  }
}

/**
 * Binds `host:port` (port 0: one the system picks) and returns the listener once it accepts.
 * Fails with a `SocketError` (`EADDRINUSE`, `EACCES`, `ENOTFOUND`, …) naming the address.
 *
 * @example
 * const listener = yield* listen("127.0.0.1", 8000);
 * for (;;) {
 *   const client = yield* listener.accept();
 *   yield* spawn(() => serve(client));
 * }
 */
export function* listen(host: string, port: number): Operation<Listener> {
  // allowHalfOpen: a client may half-close after its request and still read the reply (PROTOCOL §1).
  const server = createServer({ allowHalfOpen: true, noDelay: true });
  const bound = yield* bind(server, host, port);
  return new Listener(server, bound.address, bound.port);
}

/**
 * Starts `server` (a `net.Server`, or an `http.Server`, which is one) listening on `host:port` and
 * returns the address it bound. Fails with a `SocketError` naming the address; the server is
 * closed then, and also when the waiting task is halted.
 */
export function* bind(server: Server, host: string, port: number): Operation<{ readonly address: string; readonly port: number }> {
  const wanted = `${host}:${port}`;
  try {
    yield* action<void>(`listen ${wanted}`, (resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException): void => reject(listenError(error, wanted));
      server.once("error", failed);
      server.listen(port, host, () => {
        server.off("error", failed);
        resolve();
      });
      return () => server.close();
    });
  } catch (error) {
    server.close();
    throw error;
  }
  const bound = server.address();
  if (bound === null || typeof bound === "string") throw new SocketError(`${wanted} is not a TCP address`, "EINVAL", wanted);
  const address = bound.family === "IPv6" ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  return { address, port: bound.port };
}

/** A server's error as a `SocketError` that says what happened to the address in words. */
export function listenError(error: NodeJS.ErrnoException, address: string): SocketError {
  const code = error.code ?? "EUNKNOWN";
  const why: Record<string, string> = {
    EADDRINUSE: `${address} is already in use`,
    EACCES: `no permission to listen on ${address}`,
    EADDRNOTAVAIL: `${address} is not an address of this machine`,
    ENOTFOUND: `host not found: ${address}`,
  };
  return new SocketError(why[code] ?? `cannot listen on ${address}: ${error.message}`, code, address, { cause: error });
}

function ignoreUntilAccepted(): void {}

/** What `accept` throws once a listener is closed. */
export function closedError(address: string): SocketError {
  return new SocketError(`the server on ${address} is closed`, "ECLOSED", address);
}

/** Leaves a "closed" error in the queue for the next `accept` too, and returns the error to throw. */
export function closedAgain<T>(incoming: Queue<T | SocketError>, error: SocketError): SocketError {
  if (error.code === "ECLOSED") incoming.offer(error);
  return error;
}
