// The status pages as --dashboard serves them (the --http door serves the same, beside /rpc):
// the live page, its stream, /healthz, /stats, /metrics — and no requests taken.
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { serveHttp } from "../../../src/http/server.js";
import { Queue, spawn } from "../../../src/loop/index.js";
import { serveDashboard } from "../../../src/producer/intake/dashboard.js";
import { StatusPages, type LiveSource, type StatusViews } from "../../../src/producer/intake/status-pages.js";
import type { ProducerEvent } from "../../../src/producer/dispatch/events.js";
import { renderLivePage } from "../../../src/producer/telemetry/live-page.js";
import { send } from "../../helpers/http.js";
import { waitUntil } from "../../helpers/wait.js";
import { runValue } from "../../loop/run-loop.js";

const TARGET = "127.0.0.1:9000";

class FakeLive implements LiveSource {
  readonly listeners = new Set<(json: string) => void>();
  json = '{"queue_depth":0}';
  currentJson(): string {
    return this.json;
  }
  recent(): object {
    return { queue_depth: [4, 5] };
  }
  subscribe(listener: (json: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  publish(json: string): void {
    this.json = json;
    for (const listener of this.listeners) listener(json);
  }
}

function views(live: LiveSource, up: { value: boolean }, stats?: Extract<ProducerEvent, { event: "stats" }>): StatusViews {
  return {
    targets: [TARGET],
    gauges: () => ({ queueDepth: 3, inFlight: 1, isUp: () => up.value }),
    latestStats: () => stats,
    metrics: () => "rpc_queue_depth 3\n",
    page: renderLivePage(),
    live,
  };
}

/** Runs a --dashboard on a free port while `client` runs; `stop()` ends it as the end of a run does. */
async function withDashboard<T>(pageViews: StatusViews, client: (port: number, stop: () => void) => Promise<T>): Promise<T> {
  let result: Promise<T> | undefined;
  await runValue(function* () {
    const listener = yield* serveHttp("127.0.0.1", 0);
    const pages = new StatusPages(pageViews);
    const stopped = new Queue<"stop">(1);
    yield* spawn(() => pages.run());
    yield* spawn(() => serveDashboard(listener, pages, () => {}));
    result = client(listener.port, () => stopped.offer("stop")).finally(() => stopped.offer("stop"));
    yield* stopped.get(); // returning halts both: the streams end, the listener closes
  });
  return result!;
}

describe("the status pages (--dashboard)", () => {
  it("serves the live page with its policy, /healthz, /stats and /metrics", async () => {
    const up = { value: true };
    const stats: Extract<ProducerEvent, { event: "stats" }> = { event: "stats", queue_depth: 2, in_flight: 1, produced_per_s: 3, completed_per_s: 2.5, per_target: {} };
    const answers = await withDashboard(views(new FakeLive(), up, stats), async (port) => {
      const page = await send(port, "GET", "/");
      const head = await send(port, "HEAD", "/");
      const healthy = await send(port, "GET", "/healthz");
      up.value = false;
      const unhealthy = await send(port, "GET", "/healthz");
      return { page, head, healthy, unhealthy, stats: await send(port, "GET", "/stats"), metrics: await send(port, "GET", "/metrics") };
    });
    expect(answers.page.status).toBe(200);
    expect(answers.page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(answers.page.headers["content-security-policy"]).toBe(renderLivePage().contentSecurityPolicy);
    expect(answers.page.body).toContain('id="queue-depth"');
    expect(answers.head).toMatchObject({ status: 200, body: "" });
    expect(answers.healthy).toMatchObject({ status: 200, body: "ok" });
    expect(answers.unhealthy.status).toBe(503);
    expect(JSON.parse(answers.stats.body)).toEqual({ queue_depth: 2, in_flight: 1, produced_per_s: 3, completed_per_s: 2.5, per_target: {} });
    expect(answers.metrics.body).toBe("rpc_queue_depth 3\n");
  });

  it("takes no requests: /rpc is a 404 that says where requests go, a POST to a page is a 405", async () => {
    const answers = await withDashboard(views(new FakeLive(), { value: true }), async (port) => ({
      rpc: await send(port, "POST", "/rpc", "system ping"),
      query: await send(port, "GET", "/rpc?q=system%20ping"),
      post: await send(port, "POST", "/", "x"),
      other: await send(port, "GET", "/nosuch"),
    }));
    expect(answers.rpc).toMatchObject({ status: 404, body: "not found: /rpc; the --dashboard takes no requests: send them to the producer's --http door" });
    expect(answers.query.status).toBe(404);
    expect(answers.post.status).toBe(405);
    expect(answers.post.headers.allow).toBe("GET");
    expect(answers.other).toMatchObject({ status: 404, body: "not found: /nosuch; the --dashboard serves /, /events, /healthz, /stats, /metrics" });
  });

  it("streams the last minute, the figures now and each new figures on /events, and ends every stream when stopped", async () => {
    const live = new FakeLive();
    const text = await withDashboard(views(live, { value: true }), (port, stop) =>
      new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: "127.0.0.1", port, path: "/events" }, (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            body += chunk;
            if (body.includes('"queue_depth":0') && live.listeners.size === 1 && !body.includes("queue_depth\":9")) live.publish('{"queue_depth":9}');
            if (body.includes('"queue_depth":9}') && !body.includes("event: end")) stop();
          });
          response.on("end", () => resolve(body));
        });
        req.on("error", reject);
        req.end();
      }),
    );
    expect(text).toBe(
      'retry: 1000\n\nevent: history\ndata: {"queue_depth":[4,5]}\n\nevent: live\ndata: {"queue_depth":0}\n\nevent: live\ndata: {"queue_depth":9}\n\n' +
        'event: end\ndata: {"reason":"the producer stopped"}\n\n',
    );
    await waitUntil(() => live.listeners.size === 0, "the stream to stop listening");
  });
});
