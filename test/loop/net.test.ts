import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connect, sleep, SocketError, spawn, TimeoutError, type Connection } from "../../src/loop/index.js";
import { runLoop, runValue } from "./run-loop.js";

const servers: Server[] = [];

/** A loopback server on a port the OS picks; `onConnection` plays the peer. */
async function serve(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer(onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nobody listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe("sockets on the loop", () => {
  it("connects, writes, half-closes and reads the reply to end of stream", async () => {
    const port = await serve((socket) => {
      let request = "";
      socket.on("data", (chunk) => (request += chunk));
      socket.on("end", () => socket.end(`echo ${request.trim()}\n`));
    });
    const reply = await runValue(function* () {
      const connection = yield* connect("127.0.0.1", port);
      try {
        yield* connection.end("system ping\n");
        return (yield* connection.readToEnd()).toString();
      } finally {
        connection.close();
      }
    });
    expect(reply).toBe("echo system ping\n");
  });

  it("reads lines one at a time, keeping the rest for the next read", async () => {
    const port = await serve((socket) => socket.end("one\r\ntwo\nthree"));
    const lines = await runValue(function* () {
      const connection = yield* connect("127.0.0.1", port);
      const read: (string | null)[] = [];
      for (let i = 0; i < 4; i++) read.push(yield* connection.readLine());
      connection.close();
      return read;
    });
    expect(lines).toEqual(["one", "two", "three", null]);
  });

  it("names the peer when the connection is refused", async () => {
    const port = await closedPort();
    const outcome = await runLoop(() => connect("127.0.0.1", port));
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: SocketError }).error;
    expect(error).toBeInstanceOf(SocketError);
    expect(error.code).toBe("ECONNREFUSED");
    expect(error.message).toBe(`connection refused by 127.0.0.1:${port}`);
  });

  it("returns an empty reply when the peer closes before sending anything", async () => {
    const port = await serve((socket) => socket.end());
    const reply = await runValue(function* () {
      const connection = yield* connect("127.0.0.1", port);
      const bytes = yield* connection.readToEnd();
      connection.close();
      return bytes.length;
    });
    expect(reply).toBe(0);
  });

  it("surfaces a reset that arrived between two waits at the next yield*, without crashing", async () => {
    const port = await serve((socket) => {
      socket.write("hello\n");
      setTimeout(() => socket.resetAndDestroy(), 5);
    });
    const outcome = await runValue(function* () {
      const connection = yield* connect("127.0.0.1", port);
      const first = yield* connection.readLine();
      yield* sleep(0.05); // the reset arrives now, while nobody waits on the socket
      try {
        yield* connection.readLine();
        return { first, error: undefined };
      } catch (error) {
        return { first, error };
      } finally {
        connection.close();
      }
    });
    expect(outcome.first).toBe("hello");
    expect(outcome.error).toBeInstanceOf(SocketError);
    expect(outcome.error).toMatchObject({ code: "ECONNRESET", message: `connection reset by 127.0.0.1:${port}` });
  });

  it("tears down a read when its task is halted, and finally closes the socket", async () => {
    let peerClosed!: () => void;
    const closed = new Promise<void>((resolve) => (peerClosed = resolve));
    const port = await serve((socket) => {
      socket.on("close", peerClosed);
      socket.on("error", () => {});
    });
    await runValue(function* () {
      const reader = yield* spawn(function* () {
        const connection = yield* connect("127.0.0.1", port);
        try {
          yield* connection.readToEnd(); // the peer never answers
        } finally {
          connection.close();
        }
      });
      yield* sleep(0.02);
      reader.halt();
    });
    await closed; // bounded by the test timeout
  });

  it("waits for drain when the kernel buffer is full, then completes the write", async () => {
    let received = 0;
    let peer!: Socket;
    const port = await serve((socket) => {
      peer = socket;
      socket.pause(); // read nothing until told
      socket.on("data", (chunk) => (received += chunk.length));
    });
    const big = Buffer.alloc(32 * 1024 * 1024, 0x61);
    let connection!: Connection;
    const labels: string[] = [];
    await runValue(function* () {
      connection = yield* connect("127.0.0.1", port);
      const writer = yield* spawn(() => connection.write(big));
      yield* sleep(0.02);
      labels.push(writer.label); // still waiting: the peer reads nothing
      peer.resume();
      yield* writer;
      labels.push(writer.label);
      connection.close();
    });
    expect(labels[0]).toBe(`write 127.0.0.1:${port}`);
    expect(labels[1]).toBe("returned");
    expect(received).toBeGreaterThan(0);
  });

  it("refuses a reply longer than the limit given to readToEnd", async () => {
    const port = await serve((socket) => socket.end(Buffer.alloc(10_000)));
    const outcome = await runLoop(function* () {
      const connection = yield* connect("127.0.0.1", port);
      try {
        return yield* connection.readToEnd(100);
      } finally {
        connection.close();
      }
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: "ETOOLARGE" } });
  });
});

describe("a connection's deadline", () => {
  /** A peer that accepts and never answers; resolves `closed` when our side closes. */
  async function silentPeer(): Promise<{ port: number; closed: Promise<void> }> {
    let peerClosed!: () => void;
    const closed = new Promise<void>((resolve) => (peerClosed = resolve));
    const port = await serve((socket) => {
      socket.resume(); // reads and drops the request, so it sees our close
      socket.on("close", peerClosed);
      socket.on("error", () => {});
    });
    return { port, closed };
  }

  it("throws a TimeoutError at the pending wait when it runs out, and closes the socket", async () => {
    const { port, closed } = await silentPeer();
    const started = performance.now();
    const outcome = await runLoop(function* () {
      const connection = yield* connect("127.0.0.1", port, { deadline: 0.1, what: "call to the peer" });
      yield* connection.write("system ping\n");
      return yield* connection.readToEnd(); // the peer never answers
    });
    const took = performance.now() - started;
    expect(outcome).toMatchObject({ ok: false, error: { name: "TimeoutError", seconds: 0.1, operation: "call to the peer" } });
    expect((outcome as { error: unknown }).error).toBeInstanceOf(TimeoutError);
    expect(took).toBeGreaterThanOrEqual(95);
    await closed; // no close() was called: the deadline closed it (bounded by the test timeout)
  });

  it("counts time spent between waits too: the next wait throws the TimeoutError", async () => {
    const { port } = await silentPeer();
    const outcome = await runLoop(function* () {
      const connection = yield* connect("127.0.0.1", port, { deadline: 0.05 });
      try {
        yield* sleep(0.2); // waits on something other than the socket while the deadline runs out
        yield* connection.write("system ping\n");
        return "written";
      } finally {
        connection.close();
      }
    });
    expect(outcome).toMatchObject({ ok: false, error: { name: "TimeoutError", operation: `connection to 127.0.0.1:${port}` } });
  });

  it("is cleared by close(): a connection closed in time never times out", async () => {
    const port = await serve((socket) => socket.end("pong\n"));
    const outcome = await runLoop(function* () {
      const connection = yield* connect("127.0.0.1", port, { deadline: 0.05 });
      const reply = (yield* connection.readToEnd()).toString();
      connection.close();
      yield* sleep(0.15); // past the deadline
      return { reply, error: connection.failure() };
    });
    expect(outcome).toMatchObject({ ok: true, value: { reply: "pong\n", error: { name: "SocketError", code: "ECLOSED" } } });
  });

  it("refuses a deadline that is not a number of seconds, before opening a socket", async () => {
    const outcome = await runLoop(() => connect("127.0.0.1", 9, { deadline: -1 }));
    expect(outcome).toMatchObject({ ok: false, error: { name: "RangeError" } });
  });
});

describe("readWithin: a read with a time limit, no task around it", () => {
  it("returns what arrives in time, then null at end of stream", async () => {
    const port = await serve((socket) => setTimeout(() => socket.end("late but in time\n"), 20));
    const reads = await runValue(function* () {
      const connection = yield* connect("127.0.0.1", port);
      try {
        return [yield* connection.readWithin(5), yield* connection.readWithin(5)];
      } finally {
        connection.close();
      }
    });
    expect(reads[0]).toEqual({ timedOut: false, value: Buffer.from("late but in time\n") });
    expect(reads[1]).toEqual({ timedOut: false, value: null });
  });

  it("times out when nothing arrives, and the bytes that come later are read next", async () => {
    let peer: Socket | undefined;
    const port = await serve((socket) => (peer = socket));
    const reads = await runValue(function* () {
      const connection = yield* connect("127.0.0.1", port);
      try {
        const first = yield* connection.readWithin(0.03);
        peer!.write("now\n");
        const second = yield* connection.readWithin(5);
        return [first, second];
      } finally {
        connection.close();
      }
    });
    expect(reads).toEqual([{ timedOut: true }, { timedOut: false, value: Buffer.from("now\n") }]);
  });

  it("clears its timer when its task is halted: the loop ends at once, not when the limit would have", async () => {
    const port = await serve(() => {});
    const started = performance.now();
    await runValue(function* () {
      const connection = yield* connect("127.0.0.1", port);
      const reader = yield* spawn(() => connection.readWithin(30));
      yield* sleep(0.01);
      reader.halt();
      connection.close();
    });
    // A timer left behind would keep the process (and this promise's loop) alive for 30 s.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("throws a reset at the yield*, as read() does", async () => {
    const port = await serve((socket) => setTimeout(() => socket.resetAndDestroy(), 10));
    const outcome = await runLoop(function* () {
      const connection = yield* connect("127.0.0.1", port);
      try {
        return yield* connection.readWithin(5);
      } finally {
        connection.close();
      }
    });
    expect(outcome).toMatchObject({ ok: false, error: { name: "SocketError", code: "ECONNRESET" } });
  });
});

describe("discardInput: watching a client without a task", () => {
  it("drops what arrives and calls onGone once when the peer resets", async () => {
    const port = await serve((socket) => {
      socket.write("x".repeat(200_000)); // more than the stream buffers: it must be drained to see the reset
      setTimeout(() => socket.resetAndDestroy(), 30);
    });
    const gone = await runValue(function* () {
      const connection = yield* connect("127.0.0.1", port);
      const calls: string[] = [];
      connection.discardInput((error) => calls.push(`${error.name} ${(error as SocketError).code}`));
      for (let i = 0; i < 200 && calls.length === 0; i++) yield* sleep(0.01);
      connection.close();
      return calls;
    });
    expect(gone).toEqual(["SocketError ECONNRESET"]);
  });

  it("calls onGone at once when the connection broke already, and never after close()", async () => {
    const port = await serve((socket) => setTimeout(() => socket.resetAndDestroy(), 5));
    const quietPort = await serve(() => {});
    const calls = await runValue(function* () {
      const first = yield* connect("127.0.0.1", port);
      try {
        yield* first.readWithin(5);
      } catch (error) {
        if (!(error instanceof SocketError)) throw error; // the reset: the connection is broken now
      }
      const seen: string[] = [];
      first.discardInput(() => seen.push("broken before"));
      first.close();
      const second = yield* connect("127.0.0.1", quietPort);
      second.discardInput(() => seen.push("after close"));
      second.close();
      yield* sleep(0.05);
      return seen;
    });
    expect(calls).toEqual(["broken before"]);
  });
});
