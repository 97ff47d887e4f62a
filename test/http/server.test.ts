import { Agent, request as httpRequest } from "node:http";
import { send, type HttpAnswer as Answer } from "../helpers/http.js";
import { describe, expect, it } from "vitest";
import { HttpServerError, serveHttp, type HttpExchange, type HttpListener } from "../../src/http/server.js";
import { sleep, spawn, SocketError, type Operation } from "../../src/loop/index.js";
import { runValue } from "../loop/run-loop.js";


/** Runs a server whose every exchange is handled by `handle`, while `client` runs against its port. */
async function withServer<T>(handle: (exchange: HttpExchange) => Operation<void>, client: (port: number) => Promise<T>): Promise<T> {
  let clientDone: Promise<T> | undefined;
  await runValue(function* () {
    const http: HttpListener = yield* serveHttp("127.0.0.1", 0);
    let finished = false; // the client is done, and closed the server: accept says ECLOSED
    clientDone = client(http.port).finally(() => {
      finished = true;
      http.close();
    });
    try {
      for (;;) {
        const exchange = yield* http.accept();
        yield* spawn(() => handle(exchange));
      }
    } catch (error) {
      if (!(finished && error instanceof SocketError && error.code === "ECLOSED")) throw error;
    } finally {
      http.close();
    }
  });
  return clientDone!;
}

describe("an HTTP server on the loop", () => {
  it("serves GET with a query and POST with a body, each exchange in its own task", async () => {
    const answers = await withServer(
      function* (exchange) {
        const body = exchange.method === "POST" ? (yield* exchange.readBody(100)).toString() : exchange.query.get("q") ?? "";
        exchange.respond(200, `${exchange.method} ${exchange.path} ${body}\n`);
      },
      (port) => Promise.all([send(port, "GET", "/rpc?q=system%20ping"), send(port, "POST", "/rpc", "fibonacci_generator calculate 10")]),
    );
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, "GET /rpc system ping\n"],
      [200, "POST /rpc fibonacci_generator calculate 10\n"],
    ]);
    expect(answers[0]!.headers["content-type"]).toBe("text/plain; charset=utf-8");
  });

  it("keeps a connection alive across many requests", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const peers = new Set<string>();
    const answers = await withServer(
      function* (exchange) {
        peers.add(exchange.peer);
        const body = yield* exchange.readBody(0); // a GET has none
        exchange.respond(200, `ok${body.toString()}\n`);
      },
      async (port) => {
        const all: Answer[] = [];
        for (let i = 0; i < 20; i++) all.push(await send(port, "GET", "/healthz", undefined, agent));
        return all;
      },
    );
    agent.destroy();
    expect(answers.every((a) => a.status === 200 && a.body === "ok\n")).toBe(true);
    expect(peers.size).toBe(1);
  });

  it("refuses a body over the limit without reading it all", async () => {
    const answer = await withServer(
      function* (exchange) {
        try {
          yield* exchange.readBody(10);
          exchange.respond(200, "read\n");
        } catch (error) {
          expect(error).toBeInstanceOf(HttpServerError);
          exchange.respond(413, `${(error as HttpServerError).code}: ${(error as Error).message}\n`, { connection: "close" });
        }
      },
      (port) => send(port, "POST", "/rpc", "x".repeat(100_000)),
    );
    expect(answer).toMatchObject({ status: 413, body: "ETOOLARGE: the body is longer than 10 bytes\n" });
  });

  it("notices a client that goes away before its answer", async () => {
    let noticed = false;
    await withServer(
      function* (exchange) {
        let aborted = false;
        exchange.whenAborted(() => (aborted = true));
        while (!aborted) yield* sleep(0.01);
        noticed = exchange.aborted;
      },
      (port) =>
        new Promise<void>((resolve) => {
          const req = httpRequest({ host: "127.0.0.1", port, path: "/rpc?q=x" });
          req.on("error", () => {});
          req.end();
          setTimeout(() => req.destroy(), 50);
          const poll = setInterval(() => {
            if (noticed) {
              clearInterval(poll);
              resolve();
            }
          }, 10);
        }),
    );
    expect(noticed).toBe(true);
  });

  it("says plainly when the port is taken", async () => {
    const error = await runValue(function* () {
      const first = yield* serveHttp("127.0.0.1", 0);
      try {
        yield* serveHttp("127.0.0.1", first.port);
        return undefined;
      } catch (caught) {
        return caught;
      } finally {
        first.close();
      }
    });
    expect(error).toBeInstanceOf(SocketError);
    expect((error as SocketError).message).toMatch(/^127\.0\.0\.1:\d+ is already in use$/);
  });
});

describe("an HTTP request on the loop", () => {
  it("gets the status and the whole body, and says plainly when nobody listens", async () => {
    const { fetchText, HttpClientError } = await import("../../src/http/client.js");
    const answer = await withServer(
      function* (exchange) {
        const body = (yield* exchange.readBody(100)).toString();
        exchange.respond(201, `got ${body}\n`, { "x-test": "yes" });
      },
      (port) => runValue(() => fetchText(new URL(`http://127.0.0.1:${port}/rpc`), { method: "POST", body: "system ping", timeout: 5 })),
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toBe("got system ping\n");
    expect(answer.headers["x-test"]).toBe("yes");

    const port = await runValue(function* () {
      const http = yield* serveHttp("127.0.0.1", 0);
      http.close();
      return http.port;
    });
    const error = await runValue(() => fetchText(new URL(`http://127.0.0.1:${port}/`), { timeout: 5 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpClientError);
    expect((error as Error).message).toBe(`HTTP request to 127.0.0.1:${port} failed: connection refused`);
  });
});
