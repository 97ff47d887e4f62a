// Raw TCP clients for tests: send exact bytes, half-close or not, and read everything up to the
// server's end of stream — the protocol's "reply".
import net from "node:net";

/** What came back on one connection. */
export interface RawReply {
  /** The bytes up to end of stream, as UTF-8 text. */
  readonly text: string;
  readonly bytes: Buffer;
  /** From connect to end of stream, in ms. */
  readonly elapsedMs: number;
  /** `performance.now()` when the reply ended, to compare the order of replies. */
  readonly endedAt: number;
}

/** Options of {@link request}. */
export interface RequestOptions {
  readonly host?: string;
  /** Half-close after sending, so the request ends at once (default false). */
  readonly halfClose?: boolean;
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
}

/** Sends `payload` on a fresh connection and resolves with everything the server sent back. */
export async function request(port: number, payload: string | Uint8Array, options: RequestOptions = {}): Promise<RawReply> {
  const client = await connect(port, options.host);
  client.write(payload);
  if (options.halfClose) client.end();
  return client.reply(options.timeoutMs);
}

/** A connection driven step by step. */
export interface RawClient {
  readonly socket: net.Socket;
  /** `performance.now()` at connect. */
  readonly connectedAt: number;
  write(payload: string | Uint8Array): void;
  /** Half-close: no more bytes from us. */
  end(): void;
  /** Close abruptly with a TCP reset. */
  reset(): void;
  /** Bytes received so far. */
  received(): Buffer;
  /** Resolves with everything up to the server's end of stream; rejects on error or timeout. */
  reply(timeoutMs?: number): Promise<RawReply>;
}

/** Opens a connection (resolves once connected). */
export function connect(port: number, host = "127.0.0.1"): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host, noDelay: true });
    const chunks: Buffer[] = [];
    let ended: { at: number } | undefined;
    let failure: Error | undefined;
    const waiters: (() => void)[] = [];
    const wake = (): void => waiters.splice(0).forEach((w) => w());
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => {
      ended = { at: performance.now() };
      wake();
    });
    socket.on("error", (error) => {
      failure = error;
      wake();
    });
    socket.on("close", wake);
    socket.once("connect", () => {
      const connectedAt = performance.now();
      resolve({
        socket,
        connectedAt,
        write: (payload) => void socket.write(payload),
        end: () => void socket.end(),
        reset: () => void socket.resetAndDestroy(),
        received: () => Buffer.concat(chunks),
        reply(timeoutMs = 10_000) {
          return new Promise((resolveReply, rejectReply) => {
            const timer = setTimeout(() => {
              socket.destroy();
              rejectReply(new Error(`no end of stream within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString())}`));
            }, timeoutMs);
            const settle = (): void => {
              if (ended) {
                clearTimeout(timer);
                const bytes = Buffer.concat(chunks);
                socket.end();
                resolveReply({ text: bytes.toString("utf8"), bytes, elapsedMs: ended.at - connectedAt, endedAt: ended.at });
              } else if (failure || socket.destroyed) {
                clearTimeout(timer);
                rejectReply(failure ?? new Error("closed without end of stream"));
              } else {
                waiters.push(settle);
              }
            };
            settle();
          });
        },
      });
    });
    socket.once("error", reject);
  });
}
