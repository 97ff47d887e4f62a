// The producer's HTTP front door (PROTOCOL §6): POST /rpc, GET /rpc?q=, status by error code,
// keep-alive, /healthz, /stats, /metrics.
import { createServer, type AddressInfo, type Server } from "node:net";
import { Agent } from "node:http";
import { send } from "../helpers/http.js";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, startConsumer, stopAll, waitUntil } from "../helpers/processes.js";
import { startProducer, type RunningProducer } from "../helpers/producer.js";
import { parsePrometheusText } from "../helpers/prometheus.js";

const servers: Server[] = [];
afterEach(async () => {
  await stopAll();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});


async function gateway(args: readonly string[], targets: readonly number[]): Promise<{ producer: RunningProducer; port: number }> {
  const port = await freePort();
  const producer = startProducer(["--http", String(port), ...args, ...targets.map(String)]);
  await waitUntil(() => producer.eventsNamed("front_door").length > 0, "the HTTP door to open", 20_000);
  return { producer, port };
}

/** A consumer that answers every request with `reply` (and `pong` to the producer's probes). */
async function fakeConsumer(reply: string): Promise<number> {
  const server = createServer((socket) => {
    socket.once("data", (chunk) => socket.end(String(chunk).startsWith("system ping") ? "pong\n" : reply));
    socket.on("error", () => {}); // the producer may close first; nothing to do
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("--http: requests and answers", () => {
  it("answers POST /rpc and GET /rpc?q= with the result, 200", async () => {
    const consumer = await startConsumer();
    const { port } = await gateway([], [consumer.port]);
    expect(await send(port, "POST", "/rpc", "fibonacci_generator calculate 10")).toMatchObject({ status: 200, body: "55" });
    expect(await send(port, "GET", `/rpc?q=${encodeURIComponent("neural_analyzer polarity what a lovely day")}`)).toMatchObject({ status: 200, body: "0.15" });
  });

  it("gives each error code its status", async () => {
    const consumer = await startConsumer();
    const { port } = await gateway(["--max-request-bytes", "40"], [consumer.port]);
    const cases: [string, string | undefined, number, RegExp][] = [
      ["POST", "ping", 400, /^ERROR bad_request: /],
      ["GET", undefined, 400, /^ERROR bad_request: no request/],
      ["POST", "nosuch thing", 404, /^ERROR unknown_handler: /],
      ["POST", "system nosuch", 404, /^ERROR unknown_method: /],
      ["POST", "fibonacci_generator calculate x", 422, /^ERROR bad_argument: /],
      ["POST", "x".repeat(100), 413, /^ERROR too_large: /],
    ];
    for (const [method, body, status, pattern] of cases) {
      const answer = await send(port, method, "/rpc", body);
      expect(answer.status, `${method} ${body}`).toBe(status);
      expect(answer.body, `${method} ${body}`).toMatch(pattern);
    }
  });

  it("says 502 for ERROR internal on the last attempt, and 503 with Retry-After when nobody can serve", async () => {
    const broken = await fakeConsumer("ERROR internal: a bug in the consumer\n");
    const { port } = await gateway(["--retries", "1"], [broken]);
    expect(await send(port, "POST", "/rpc", "system sleep 1")).toMatchObject({ status: 502, body: "ERROR internal: a bug in the consumer" });

    const down = await freePort();
    const other = await gateway(["--queue-timeout", "0.5"], [down]);
    const answer = await send(other.port, "POST", "/rpc", "system ping");
    expect(answer).toMatchObject({ status: 503, body: "ERROR unavailable: no consumer up for 0.5 s" });
    expect(answer.headers["retry-after"]).toBe("1");
  });

  it("keeps one connection alive across many requests", async () => {
    const consumer = await startConsumer();
    const { producer, port } = await gateway([], [consumer.port]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 30; i++) expect((await send(port, "POST", "/rpc", "system ping", agent)).body).toBe("pong");
    agent.destroy();
    const clients = new Set(producer.eventsNamed("task_queued").map((e) => e.client));
    expect(clients.size).toBe(1);
    expect(producer.eventsNamed("task_queued")[0]).toMatchObject({ source: "http" });
  });

  it("answers 404 for an unknown path and 405 for a wrong method", async () => {
    const consumer = await startConsumer();
    const { port } = await gateway([], [consumer.port]);
    expect((await send(port, "GET", "/nosuch")).status).toBe(404);
    const wrong = await send(port, "DELETE", "/rpc");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("GET, POST");
    expect((await send(port, "POST", "/healthz")).status).toBe(405);
  });
});

describe("--http: the producer's state", () => {
  it("flips /healthz when the consumer goes down and comes back", async () => {
    const consumer = await startConsumer();
    const { producer, port } = await gateway([], [consumer.port]);
    expect(await send(port, "GET", "/healthz")).toMatchObject({ status: 200, body: "ok" });
    await consumer.stop("SIGKILL");
    const waiting = send(port, "POST", "/rpc", "system ping"); // finds it down, then waits in the queue
    await waitUntil(() => producer.eventsNamed("target_down").length === 1, "the consumer to be marked down");
    expect((await send(port, "GET", "/healthz")).status).toBe(503);
    await startConsumer(consumer.port);
    await waitUntil(() => producer.eventsNamed("target_up").length === 1, "the consumer to be marked up", 20_000);
    expect((await send(port, "GET", "/healthz")).status).toBe(200);
    expect(await waiting).toMatchObject({ status: 200, body: "pong" }); // nothing lost meanwhile
  });

  it("serves /stats as JSON and /metrics as Prometheus text", async () => {
    const consumer = await startConsumer();
    const { producer, port } = await gateway(["--stats-every", "0.2"], [consumer.port]);
    for (let i = 0; i < 5; i++) await send(port, "POST", "/rpc", "system ping");
    await send(port, "POST", "/rpc", "system nosuch");
    await waitUntil(() => producer.eventsNamed("stats").length > 0, "a stats event");
    const stats = await send(port, "GET", "/stats");
    expect(stats.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(stats.body)).toMatchObject({ queue_depth: 0, in_flight: 0, per_target: { [`127.0.0.1:${consumer.port}`]: { up: true } } });

    const metrics = await send(port, "GET", "/metrics");
    expect(metrics.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const families = parsePrometheusText(metrics.body);
    const value = (family: string, labels: Record<string, string>, name = family) =>
      families.get(family)?.samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
    expect(value("rpc_tasks_total", { state: "succeeded" })).toBe(5);
    expect(value("rpc_tasks_total", { state: "failed", reason: "unknown_method" })).toBe(1);
    expect(value("rpc_target_up", { target: `127.0.0.1:${consumer.port}` })).toBe(1);
    expect(value("rpc_call_latency_seconds", { target: `127.0.0.1:${consumer.port}` }, "rpc_call_latency_seconds_count")).toBe(5);
  });
});
