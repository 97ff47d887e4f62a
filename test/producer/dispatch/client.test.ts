import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SocketError, TimeoutError } from "../../../src/loop/index.js";
import { RpcError } from "../../../src/rpc/index.js";
import { classifyFailure, RpcClient } from "../../../src/producer/dispatch/client.js";
import { freePort } from "../../helpers/processes.js";
import { runLoop } from "../../loop/run-loop.js";

const servers: Server[] = [];

/** A fake consumer: `answer` gets the request line and the socket. */
async function fakeConsumer(answer: (line: string, socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    socket.on("error", () => {});
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk;
      const end = buffered.indexOf("\n");
      if (end !== -1) answer(buffered.slice(0, end), socket);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function call(port: number, command: string, timeout = 2) {
  return runLoop(() => new RpcClient("127.0.0.1", port, timeout).call(command));
}

describe("RpcClient.call", () => {
  it("sends the command and a newline, and returns the reply without its newline", async () => {
    const seen: string[] = [];
    const port = await fakeConsumer((line, socket) => {
      seen.push(line);
      socket.end("55\n");
    });
    expect(await call(port, "fibonacci_generator calculate 10")).toEqual({ ok: true, value: "55" });
    expect(seen).toEqual(["fibonacci_generator calculate 10"]);
  });

  it("takes a reply without a final newline, as the original Python consumers send", async () => {
    const port = await fakeConsumer((_line, socket) => socket.end("pong"));
    expect(await call(port, "system ping")).toEqual({ ok: true, value: "pong" });
  });

  it("turns an ERROR reply into an RpcError with its code, final for a bad request", async () => {
    const port = await fakeConsumer((_line, socket) => socket.end("ERROR bad_argument: N must be an integer\n"));
    const outcome = await call(port, "fibonacci_generator calculate x");
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: RpcError }).error;
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: "bad_argument", message: "N must be an integer" });
    expect(classifyFailure(error)).toMatchObject({ reason: "bad_argument", transport: false, retryable: false });
  });

  it("treats ERROR internal as worth a retry, but not as the consumer being down", async () => {
    const port = await fakeConsumer((_line, socket) => socket.end("ERROR internal: oops\n"));
    const outcome = await call(port, "system ping");
    expect(classifyFailure((outcome as { error: unknown }).error)).toMatchObject({ reason: "internal", transport: false, retryable: true });
  });

  it("fails by transport when the consumer closes without a reply", async () => {
    const port = await fakeConsumer((_line, socket) => socket.end());
    const outcome = await call(port, "system ping");
    const error = (outcome as { error: SocketError }).error;
    expect(error).toBeInstanceOf(SocketError);
    expect(error.message).toBe(`127.0.0.1:${port} closed the connection without a reply`);
    expect(classifyFailure(error)).toMatchObject({ reason: "closed", transport: true, retryable: true });
  });

  it("fails by transport when the connection is refused", async () => {
    const port = await freePort();
    const outcome = await call(port, "system ping");
    expect(classifyFailure((outcome as { error: unknown }).error)).toEqual({
      reason: "refused",
      message: `connection refused by 127.0.0.1:${port}`,
      transport: true,
      retryable: true,
    });
  });

  it("bounds the whole call by the timeout when the consumer answers too slowly, and closes the connection", async () => {
    let closedByClient = false;
    const port = await fakeConsumer((_line, socket) => {
      const late = setTimeout(() => socket.end("late\n"), 2_000);
      socket.on("close", () => {
        closedByClient = true;
        clearTimeout(late);
      });
    });
    const started = Date.now();
    const outcome = await call(port, "system ping", 0.2);
    const took = Date.now() - started;
    const error = (outcome as { error: TimeoutError }).error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(classifyFailure(error)).toMatchObject({ reason: "timeout", transport: true, retryable: true });
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(1_500);
    await expect.poll(() => closedByClient, { timeout: 2_000 }).toBe(true);
  });
});
