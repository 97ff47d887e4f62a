// Tiny in-test consumers on real loopback sockets: each reads one request line and answers as
// the test says (at once, late, with an ERROR, never, or without end), so a producer's policies
// can be tried in process, in milliseconds, against exactly the behaviour a test needs.
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

export interface FakeConsumer {
  readonly port: number;
  /** `127.0.0.1:PORT`, as the producer names it. */
  readonly name: string;
  /** The request lines received, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** What to do with one request: reply with text (then close), or take the socket yourself. */
export type Answer = (line: string, socket: Socket) => string | void;

const open = new Set<FakeConsumer>();

/** Starts a fake consumer on a free port; {@link closeFakeConsumers} stops every one. */
export async function fakeConsumer(answer: Answer): Promise<FakeConsumer> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {}); // the producer may reset a call it gave up on: not the test's concern
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("utf8");
      const end = buffered.indexOf("\n");
      if (end === -1) return;
      const line = buffered.slice(0, end);
      requests.push(line);
      const reply = answer(line, socket);
      if (typeof reply === "string") socket.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const consumer: FakeConsumer = {
    port,
    name: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        open.delete(consumer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  open.add(consumer);
  return consumer;
}

/** Replies `reply` after `ms` milliseconds (a consumer busy with slow work). */
export function after(ms: number, reply: string): Answer {
  return (_line, socket) => {
    const timer = setTimeout(() => socket.end(reply), ms);
    socket.on("close", () => clearTimeout(timer));
  };
}

/** Sends an endless reply: 64 KiB chunks for as long as the client reads them. */
export const endlessReply: Answer = (_line, socket) => {
  const chunk = Buffer.alloc(64 * 1024, "7");
  const pump = (): void => {
    while (!socket.destroyed && socket.write(chunk));
  };
  socket.on("drain", pump);
  pump();
};

/** Stops every fake consumer still open (for afterEach). */
export async function closeFakeConsumers(): Promise<void> {
  await Promise.all([...open].map((consumer) => consumer.close()));
}
