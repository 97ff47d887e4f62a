import { connect as netConnect, createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { connect, listen, SocketError, spawn, type Connection, type Operation } from "../../src/loop/index.js";
import { runValue } from "./run-loop.js";

/** A plain Node client: sends `text`, half-closes, resolves with everything the server sent. */
function nodeClient(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, "127.0.0.1", () => socket.end(text));
    let reply = "";
    socket.on("data", (chunk) => (reply += chunk));
    socket.on("end", () => resolve(reply));
    socket.on("error", reject);
  });
}

function* echoUpper(client: Connection): Operation<void> {
  try {
    const request = (yield* client.readToEnd()).toString();
    yield* client.end(request.toUpperCase());
  } finally {
    client.close();
  }
}

describe("a server on the loop", () => {
  it("binds a port the system picks, accepts clients and serves each in its own task", async () => {
    const replies = await runValue(function* () {
      const listener = yield* listen("127.0.0.1", 0);
      expect(listener.address).toBe(`127.0.0.1:${listener.port}`);
      try {
        const clients = ["one", "two", "three"].map((text) => nodeClient(listener.port, text));
        const served = [];
        for (let i = 0; i < 3; i++) {
          const client = yield* listener.accept();
          expect(client.peer).toMatch(/^127\.0\.0\.1:\d+$/);
          served.push(yield* spawn(() => echoUpper(client)));
        }
        for (const task of served) yield* task; // a parent that returns halts its children
        return clients;
      } finally {
        listener.close();
      }
    });
    expect((await Promise.all(replies)).sort()).toEqual(["ONE", "THREE", "TWO"]);
  });

  it("reads a client chunk by chunk, and null at its end of stream", async () => {
    const chunks = await runValue(function* () {
      const listener = yield* listen("127.0.0.1", 0);
      try {
        const client = yield* spawn(function* () {
          const connection = yield* connect("127.0.0.1", listener.port);
          yield* connection.end("hello");
          connection.close();
        });
        const server = yield* listener.accept();
        const seen: (string | null)[] = [];
        for (;;) {
          const chunk = yield* server.read();
          seen.push(chunk === null ? null : chunk.toString());
          if (chunk === null) break;
        }
        yield* client;
        server.close();
        return seen;
      } finally {
        listener.close();
      }
    });
    expect(chunks.join("")).toBe("hello");
    expect(chunks.at(-1)).toBeNull();
  });

  it("says plainly when the port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const error = await runValue(function* () {
        try {
          yield* listen("127.0.0.1", port);
          return undefined;
        } catch (caught) {
          return caught;
        }
      });
      expect(error).toBeInstanceOf(SocketError);
      expect((error as SocketError).code).toBe("EADDRINUSE");
      expect((error as SocketError).message).toBe(`127.0.0.1:${port} is already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("is lazy: nothing is bound until the operation runs", async () => {
    const op = listen("127.0.0.1", 0);
    const port = await runValue(function* () {
      const listener = yield* op;
      listener.close();
      return listener.port;
    });
    expect(port).toBeGreaterThan(0);
  });
});

describe("closing a server", () => {
  it("ends a pending accept, and every later one, with ECLOSED", async () => {
    const codes = await runValue(function* () {
      const listener = yield* listen("127.0.0.1", 0);
      const waiting = yield* spawn(function* () {
        try {
          yield* listener.accept();
          return "accepted";
        } catch (error) {
          return (error as SocketError).code;
        }
      });
      listener.close();
      const first = yield* waiting;
      let second = "accepted";
      try {
        yield* listener.accept();
      } catch (error) {
        second = (error as SocketError).code;
      }
      return [first, second];
    });
    expect(codes).toEqual(["ECLOSED", "ECLOSED"]);
  });
});
