/**
 * The pages that show the producer's state, served alike by the `--http` door and by
 * `--dashboard`: `GET /` (the live page), `GET /events` (its figures, Server-Sent Events),
 * `/healthz`, `/stats`, `/metrics` (PROTOCOL §6). None makes a task. Each answer is written at
 * once, except `/events`: each stream is a task, a child of `run()` — not one of the producer's
 * client exchanges, which it waits for at shutdown — so no watcher ever holds the producer
 * past its stop: when `run()` is halted (the run is over) every stream gets its `end` event and
 * is closed.
 */
import { serveEventStream, type ServerSentEvent } from "../../http/event-stream.js";
import type { HttpExchange } from "../../http/server.js";
import { Queue, spawn, type Operation } from "../../loop/index.js";
import type { ProducerEvent } from "../dispatch/events.js";
import type { Gauges } from "../dispatch/producer.js";

/** Seconds a client is told to wait before trying again after a 503. */
export const RETRY_AFTER_S = 1;

/** The live figures, as JSON text (src/producer/telemetry/live-feed.ts makes them). */
export interface LiveSource {
  currentJson(): string;
  /** The last minute's queue and rates, for the page's charts when it opens. */
  recent(): object;
  subscribe(listener: (json: string) => void): () => void;
}

/** What the pages show: the producer's state, read when asked. */
export interface StatusViews {
  gauges(): Gauges;
  /** The latest `stats` event, if one was made. */
  latestStats(): Extract<ProducerEvent, { event: "stats" }> | undefined;
  /** The Prometheus page. */
  metrics(): string;
  /** The consumers' names, for /healthz. */
  readonly targets: readonly string[];
  /** The live page, and the Content-Security-Policy it is served with. */
  readonly page: { readonly html: string; readonly contentSecurityPolicy: string };
  readonly live: LiveSource;
}

/** The paths served here, as a 404 lists them. */
export const STATUS_PATHS = ["/", "/events", "/healthz", "/stats", "/metrics"] as const;

/** The event that tells a page the producer stopped (it closes its `EventSource` rather than retry). */
const END_EVENT: ServerSentEvent = { name: "end", data: JSON.stringify({ reason: "the producer stopped" }) };

export class StatusPages {
  private readonly streams = new Queue<HttpExchange>(Infinity, "live streams");

  constructor(private readonly views: StatusViews) {}

  /** Whether `path` is one of these pages. */
  serves(path: string): boolean {
    return (STATUS_PATHS as readonly string[]).includes(path);
  }

  /** Answers `exchange` (one of {@link serves}'s paths), or hands it to `run()` for a stream. */
  answer(exchange: HttpExchange): void {
    const { method, path } = exchange;
    if (method !== "GET" && method !== "HEAD") {
      exchange.respond(405, `method ${method} not allowed on ${path}; use GET`, { allow: "GET" });
      return;
    }
    switch (path) {
      case "/": {
        const { html, contentSecurityPolicy } = this.views.page;
        exchange.respond(200, html, { "content-type": "text/html; charset=utf-8", "content-security-policy": contentSecurityPolicy, "cache-control": "no-store" });
        return;
      }
      case "/events":
        this.streams.offer(exchange);
        return;
      case "/healthz": {
        const gauges = this.views.gauges();
        const up = this.views.targets.filter((target) => gauges.isUp(target));
        if (up.length > 0) exchange.respond(200, "ok");
        else exchange.respond(503, "no consumer up", { "retry-after": String(RETRY_AFTER_S) });
        return;
      }
      case "/stats": {
        const gauges = this.views.gauges();
        const latest = this.views.latestStats();
        const { event: _event, ...fields } = latest ?? { event: "stats", queue_depth: gauges.queueDepth, in_flight: gauges.inFlight };
        exchange.respond(200, JSON.stringify(fields), { "content-type": "application/json" });
        return;
      }
      case "/metrics":
        exchange.respond(200, this.views.metrics(), { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
        return;
      default:
        exchange.respond(404, `not found: ${path}`);
    }
  }

  /** Serves each `/events` stream as a child task, until halted: then every stream is ended. */
  *run(): Operation<void> {
    const { live } = this.views;
    const feed = {
      current: (): ServerSentEvent[] => [
        { name: "history", data: JSON.stringify(live.recent()) },
        { name: "live", data: live.currentJson() },
      ],
      subscribe: (send: (event: ServerSentEvent) => void) => live.subscribe((json) => send({ name: "live", data: json })),
    };
    for (;;) {
      const exchange = yield* this.streams.get();
      if (exchange.method === "HEAD" || exchange.aborted) {
        exchange.respond(200, "", { "content-type": "text/event-stream; charset=utf-8" });
        continue;
      }
      yield* spawn(() => serveEventStream(exchange, feed, { retryMs: 1000, last: END_EVENT }), `events ${exchange.peer}`);
    }
  }
}
