/**
 * Server-Sent Events on the loop: one exchange turned into a `text/event-stream` that a browser's
 * `EventSource` reads (https://html.spec.whatwg.org/multipage/server-sent-events.html). The
 * stream is a task: it sends what its source says now, then each piece the source publishes,
 * until its client goes away or the task is halted — then it sends a last event (if it has one)
 * and ends the response, so no client ever holds a server open past its stop.
 */
import type { Operation } from "../loop/index.js";
import type { HttpExchange } from "./server.js";

/** One event: its `event:` name, and its data (any text; each line goes on its own `data:` line). */
export interface ServerSentEvent {
  readonly name: string;
  readonly data: string;
}

/** Where a stream's events come from. */
export interface EventFeed {
  /** The events a new client gets at once (the state now, what it missed), in order. */
  current(): readonly ServerSentEvent[];
  /** Calls `send` for each event from now on, synchronously; returns the way to stop. */
  subscribe(send: (event: ServerSentEvent) => void): () => void;
}

export interface EventStreamOptions {
  /** How long a browser waits before it reconnects after the stream ends or breaks, in ms. */
  readonly retryMs: number;
  /** Sent as the last event when the server ends the stream (not when the client left). */
  readonly last?: ServerSentEvent;
}

/** An event as the wire carries it: `event: NAME`, a `data:` line per line of data, a blank line. */
export function formatServerSentEvent(event: ServerSentEvent): string {
  const name = event.name.replace(/[\r\n]/g, " ");
  const data = event.data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join("");
  return `event: ${name}\n${data}\n`;
}

/**
 * Serves `feed` to `exchange` as an event stream until its client goes away (returns) or the
 * task is halted (the `last` event is sent, then the response ends). A client that reads too
 * slowly misses events rather than growing the server's memory (HttpStream.write).
 */
export function* serveEventStream(exchange: HttpExchange, feed: EventFeed, options: EventStreamOptions): Operation<void> {
  const stream = exchange.openStream(200, {
    "content-type": "text/event-stream; charset=utf-8",
    // A proxy that buffers (nginx does by default) would hold every event back.
    "x-accel-buffering": "no",
  });
  stream.write(`retry: ${Math.round(options.retryMs)}\n\n`);
  for (const event of feed.current()) stream.write(formatServerSentEvent(event));
  const unsubscribe = feed.subscribe((event) => stream.write(formatServerSentEvent(event)));
  let clientLeft = false;
  try {
    yield* exchange.untilAborted();
    clientLeft = true;
  } finally {
    unsubscribe();
    if (clientLeft || options.last === undefined) stream.end();
    else stream.end(formatServerSentEvent(options.last));
  }
}
