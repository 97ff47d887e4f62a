// The blocking server in this process, on a real loopback socket (port 0), with handlers made for
// the test: what a handler bug looks like from outside, and what the log says about each request.
import { afterEach, describe, expect, it } from "vitest";
import { createLog } from "../../src/consumer/log.js";
import { Registry, standardHandlers, type HandlerMethod } from "../../src/consumer/registry.js";
import { BlockingServer } from "../../src/consumer/server.js";
import { DEFAULT_REQUEST_LIMITS } from "../../src/rpc/index.js";
import { connect, request } from "../helpers/tcp.js";
import { waitUntil } from "../helpers/wait.js";

const servers: BlockingServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(resolve))));
});

async function startServer(extra: [string, HandlerMethod][] = [], limits = DEFAULT_REQUEST_LIMITS) {
  const table = new Map(standardHandlers());
  table.set("test", new Map(extra));
  const out: string[] = [];
  const err: string[] = [];
  const server = new BlockingServer({
    registry: new Registry(table),
    log: createLog("json", { out: (line) => out.push(line), err: (line) => err.push(line) }),
    limits,
  });
  servers.push(server);
  const port = await new Promise<number>((resolve, reject) => server.listen("127.0.0.1", 0, (address) => resolve(address.port), reject));
  const events = () => out.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { server, port, out, err, events };
}

describe("BlockingServer", () => {
  it("logs listening on HOST:PORT as a JSON event", async () => {
    const { port, events } = await startServer();
    expect(events()[0]).toMatchObject({ event: "listening", message: `listening on 127.0.0.1:${port}`, port });
  });

  it("answers a handler that throws with ERROR internal, logs the stack, and keeps serving", async () => {
    const { port, events } = await startServer([
      [
        "boom",
        () => {
          throw new TypeError("cannot read the flux capacitor");
        },
      ],
    ]);
    const reply = await request(port, "test boom\n");
    expect(reply.text).toMatch(/^ERROR internal: .*TypeError: cannot read the flux capacitor.*\n$/);
    expect((await request(port, "system ping\n")).text).toBe("pong\n");
    const bug = events().find((e) => e["event"] === "internal_error");
    expect(bug).toMatchObject({ command: "test boom" });
    expect(String(bug?.["stack"])).toMatch(/TypeError: cannot read the flux capacitor\n\s+at /);
    expect(events().filter((e) => e["event"] === "request").map((e) => e["outcome"])).toEqual(["internal", "ok"]);
  });

  it("answers a handler that returns a line break with ERROR internal", async () => {
    const { port } = await startServer([["twolines", () => "a\nb"]]);
    expect((await request(port, "test twolines\n")).text).toMatch(/^ERROR internal: .*one line/);
  });

  it("logs one line per request: peer, command cut to 80 characters, outcome, duration", async () => {
    const { port, events } = await startServer();
    await request(port, `neural_analyzer polarity ${"good ".repeat(40)}\n`);
    await request(port, "nope nope\n");
    await waitUntil(() => events().filter((e) => e["event"] === "request").length === 2, "two request lines");
    const [first, second] = events().filter((e) => e["event"] === "request");
    expect(first).toMatchObject({ outcome: "ok", ended_by: "newline" });
    expect(String(first?.["command"])).toHaveLength(80);
    expect(String(first?.["peer"])).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(typeof first?.["duration_ms"]).toBe("number");
    expect(second).toMatchObject({ outcome: "unknown_handler", command: "nope nope" });
    expect(String(second?.["message"])).toContain("no handler named");
  });

  it("logs a client that resets mid-request and serves the next one", async () => {
    const { port, events } = await startServer();
    const client = await connect(port);
    client.write("system pi");
    client.reset();
    expect((await request(port, "system ping\n")).text).toBe("pong\n");
    // Gone mid-request; or, when the reset arrives with its bytes (which then end the request as
    // a half-close would), a request skipped because its client is gone.
    await waitUntil(() => events().some((e) => e["event"] === "client_gone" || e["event"] === "skipped"), "the client_gone or skipped line");
    expect(events().filter((e) => e["event"] === "request" && e["command"] === "system pi")).toEqual([]);
  });

  it("gives up on a client that does not take a big reply within the read timeout, and serves the next", async () => {
    const huge = "x".repeat(32 * 1024 * 1024); // more than the kernel's socket buffers hold
    const { port, events } = await startServer([["huge", () => huge]], { ...DEFAULT_REQUEST_LIMITS, readTimeoutSeconds: 0.3 });
    const stubborn = await connect(port);
    stubborn.socket.pause(); // never reads
    stubborn.write("test huge\n");
    const next = await request(port, "system ping\n", { timeoutMs: 5_000 });
    expect(next.text).toBe("pong\n");
    expect(events().some((e) => e["event"] === "client_gone" && String(e["message"]).includes("reply not taken within 0.3 s"))).toBe(true);
    stubborn.socket.destroy();
  });

  it("stops accepting on close, lets the request in hand finish, and closes waiting clients without a reply", async () => {
    const { server, port } = await startServer([], { ...DEFAULT_REQUEST_LIMITS, readTimeoutSeconds: 5 });
    const inHand = await connect(port);
    await waitUntil(() => server.waitingCount === 0, "the first client in hand");
    const waiting = await connect(port);
    await waitUntil(() => server.waitingCount === 1, "the second client waiting");
    let closed = false;
    expect(server.close(() => (closed = true))).toBe(true);
    inHand.write("system ping\n");
    expect((await inHand.reply()).text).toBe("pong\n");
    // Closed unread: an empty reply (or a reset), which a producer takes as a transport failure.
    expect(await waiting.reply().then((r) => r.text, () => "")).toBe("");
    await waitUntil(() => closed, "the server to close");
    servers.splice(servers.indexOf(server), 1);
  });
});
