// Server-Sent Events on the loop: the wire format, and a stream that ends when its task is halted
// or its client leaves, and drops pieces rather than hold them for a client that stops reading.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { formatServerSentEvent, serveEventStream, type EventFeed, type ServerSentEvent } from "../../src/http/event-stream.js";
import { serveHttp, type HttpStream } from "../../src/http/server.js";
import { Queue, spawn } from "../../src/loop/index.js";
import { runValue } from "../loop/run-loop.js";
import { waitUntil } from "../helpers/wait.js";

/** A GET whose body is read as it comes. */
function openGet(port: number, path: string): Promise<{ response: IncomingMessage; text: () => string; ended: Promise<void>; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      const ended = new Promise<void>((done) => response.on("end", done));
      resolve({ response, text: () => text, ended, destroy: () => req.destroy() });
    });
    req.on("error", reject);
    req.end();
  });
}

class FakeFeed implements EventFeed {
  readonly listeners = new Set<(event: ServerSentEvent) => void>();
  current(): ServerSentEvent[] {
    return [{ name: "hello", data: "now" }];
  }
  subscribe(send: (event: ServerSentEvent) => void): () => void {
    this.listeners.add(send);
    return () => this.listeners.delete(send);
  }
  publish(event: ServerSentEvent): void {
    for (const send of this.listeners) send(event);
  }
}

/** Serves one stream of `feed`; `client` runs against its port and says when to halt the stream. */
async function withStream<T>(feed: EventFeed, client: (port: number, halt: () => void) => Promise<T>): Promise<T> {
  let result: Promise<T> | undefined;
  await runValue(function* () {
    const http = yield* serveHttp("127.0.0.1", 0);
    const halt = new Queue<"halt">(1);
    result = client(http.port, () => halt.offer("halt"));
    try {
      const exchange = yield* http.accept();
      const stream = yield* spawn(() => serveEventStream(exchange, feed, { retryMs: 1000, last: { name: "end", data: "bye" } }));
      const done = yield* spawn(function* () {
        yield* stream;
        halt.offer("halt"); // the client left: nothing to halt
      });
      yield* halt.get();
      stream.halt();
      done.halt();
    } finally {
      http.close();
    }
  });
  return result!;
}

describe("a Server-Sent Event", () => {
  it("is an event line, a data line per line of data, and a blank line", () => {
    expect(formatServerSentEvent({ name: "live", data: '{"a":1}' })).toBe('event: live\ndata: {"a":1}\n\n');
    expect(formatServerSentEvent({ name: "two\nlines", data: "one\r\ntwo\rthree" })).toBe("event: two lines\ndata: one\ndata: two\ndata: three\n\n");
  });
});

describe("an event stream on the loop", () => {
  it("sends the retry time and the state now, then each event, then a last event when halted", async () => {
    const feed = new FakeFeed();
    const { headers, text } = await withStream(feed, async (port, halt) => {
      const stream = await openGet(port, "/events");
      await waitUntil(() => stream.text().includes("event: hello"), "the state now");
      feed.publish({ name: "tick", data: "1" });
      await waitUntil(() => stream.text().includes("event: tick"), "a published event");
      halt();
      await stream.ended;
      return { headers: stream.response.headers, text: stream.text() };
    });
    expect(headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(headers["cache-control"]).toBe("no-store");
    expect(text).toBe("retry: 1000\n\nevent: hello\ndata: now\n\nevent: tick\ndata: 1\n\nevent: end\ndata: bye\n\n");
    expect(feed.listeners.size).toBe(0);
  });

  it("stops listening when its client goes away", async () => {
    const feed = new FakeFeed();
    await runValue(function* () {
      const http = yield* serveHttp("127.0.0.1", 0);
      const client = openGet(http.port, "/events");
      try {
        const exchange = yield* http.accept();
        const stream = yield* spawn(() => serveEventStream(exchange, feed, { retryMs: 1000 }));
        yield* spawn(function* () {
          const opened = yield* waitFor(client);
          opened.destroy();
        });
        yield* stream; // returns once the client left
      } finally {
        http.close();
      }
    });
    expect(feed.listeners.size).toBe(0);
  });
});

describe("an HTTP stream", () => {
  it("drops pieces instead of holding more than its limit for a client that does not read", async () => {
    let stream: HttpStream | undefined;
    const results: boolean[] = [];
    await runValue(function* () {
      const http = yield* serveHttp("127.0.0.1", 0);
      const client = openGet(http.port, "/");
      try {
        const exchange = yield* http.accept();
        stream = exchange.openStream(200, { "content-type": "text/plain" }, 64 * 1024);
        const opened = yield* waitFor(client);
        opened.response.pause(); // reads nothing more
        const piece = "x".repeat(64 * 1024);
        for (let i = 0; i < 200; i++) results.push(stream.write(piece));
        stream.end();
        opened.destroy();
      } finally {
        http.close();
      }
    });
    expect(results[0]).toBe(true);
    expect(results.filter((written) => !written).length).toBeGreaterThan(100);
    expect(stream!.closed).toBe(true);
    expect(stream!.write("more")).toBe(false);
  });
});

/** Waits on the loop for a Promise (tests only: src/ has none). */
function waitFor<T>(promise: Promise<T>) {
  return (function* () {
    const queue = new Queue<{ ok: true; value: T } | { ok: false; error: unknown }>(1);
    promise.then(
      (value) => queue.offer({ ok: true, value }),
      (error: unknown) => queue.offer({ ok: false, error }),
    );
    const outcome = yield* queue.get();
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  })();
}
