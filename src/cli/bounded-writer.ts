// A log writer that a stalled reader cannot make grow without bound. A pipe that is never read
// (`program | slow-thing`, a stopped pager) fills the kernel's buffer, and Node then keeps every
// further write in memory: 7.2 MB after 30,000 requests of the consumer, and on. Past a limit of
// pending bytes this writer drops whole lines, counts them, and when the stream drains (the
// reader caught up) writes one line that says how many were dropped.

import type { LogFormat } from "./log-format.js";

/** What the writer needs of a stream (`process.stdout` is one). */
export interface DrainableStream {
  /** Bytes (or characters) written but not yet taken by the reader. */
  readonly writableLength: number;
  /** The level above which `write` returns false and `drain` follows once the buffer is empty. */
  readonly writableHighWaterMark: number;
  write(text: string): boolean;
  once(event: "drain", listener: () => void): unknown;
}

/** Pending bytes past which lines are dropped, by default: a log reader a mebibyte behind is stalled. */
export const DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;

export interface BoundedWriterOptions {
  /** Drop lines while this much is pending (at least the stream's high-water mark, so `drain` comes). */
  readonly maxPendingBytes?: number;
  /** The line (with its `\n`) that reports `count` dropped lines. */
  readonly notice: (count: number) => string;
}

export class BoundedWriter {
  private readonly maxPendingBytes: number;
  private dropping = 0;
  /** Every line dropped so far, for tests and summaries. */
  droppedTotal = 0;

  constructor(
    private readonly stream: DrainableStream,
    private readonly options: BoundedWriterOptions,
  ) {
    this.maxPendingBytes = Math.max(options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES, stream.writableHighWaterMark);
  }

  /** Writes `text` (whole lines), or drops it while the reader is too far behind. */
  write(text: string): void {
    if (this.dropping > 0 || this.stream.writableLength >= this.maxPendingBytes) {
      // Above the high-water mark the last write returned false, so `drain` will come when the
      // reader has taken everything; keep dropping until then rather than flapping at the limit.
      if (this.dropping === 0) this.stream.once("drain", () => this.caughtUp());
      this.dropping++;
      this.droppedTotal++;
      return;
    }
    this.stream.write(text);
  }

  private caughtUp(): void {
    const count = this.dropping;
    this.dropping = 0;
    this.stream.write(this.options.notice(count));
  }
}

/** The notice line for `format`: a JSON `log_dropped` event, or a line of text. */
export function droppedLinesNotice(format: LogFormat): (count: number) => string {
  return (count) => {
    const time = new Date().toISOString();
    const message = `${count} log line${count === 1 ? "" : "s"} dropped: the reader of this log fell behind`;
    return format === "json" ? `${JSON.stringify({ time, event: "log_dropped", lines: count, message })}\n` : `${time} ${message}\n`;
  };
}
