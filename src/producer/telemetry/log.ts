/**
 * Where the producer's events go: JSON lines for programs (`--log-format json`), or text for a
 * person watching a terminal — one line per event, aligned, coloured only when stdout is a
 * terminal and NO_COLOR is unset.
 */
import pc from "picocolors";
import type { ProducerEvent, Summary } from "../dispatch/events.js";
import { StatsLine } from "./stats-line.js";
import { summaryTable } from "./summary-table.js";
import { terminalText } from "./terminal-text.js";

export type LogFormat = "text" | "json";

export interface Logger {
  log(event: ProducerEvent): void;
}

type Write = (line: string) => void;

/**
 * Gathers log lines and writes them to stdout once per turn of Node's event loop, not once per
 * line: under load the producer logs three or four lines per task, and a write system call for
 * each took a tenth of its CPU. A line still leaves in the turn it was logged in, and whatever is
 * left is written when the process exits (`process.exit` included).
 */
class StdoutBatch {
  /** A turn that logs more than this writes it at once, so a burst does not pile up in memory. */
  private static readonly MAX_CHARS = 64 * 1024;
  private lines: string[] = [];
  private chars = 0;
  private scheduled = false;

  constructor() {
    process.on("exit", () => this.flush());
  }

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars > StdoutBatch.MAX_CHARS) this.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (this.lines.length === 0 || process.stdout.destroyed) return;
    const text = this.lines.join("");
    this.lines = [];
    this.chars = 0;
    process.stdout.write(text);
  }
}

let stdoutBatch: StdoutBatch | undefined;

/** The producer's stdout, batched; made on first use, so importing this module has no effect. */
function writeStdout(line: string): void {
  (stdoutBatch ??= new StdoutBatch()).write(line);
}

/** One JSON object per line, `time` and `event` first. */
export class JsonLogger implements Logger {
  constructor(private readonly write: Write = writeStdout) {}

  log(event: ProducerEvent): void {
    this.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
  }
}

/** Options of the text log. */
export interface TextOptions {
  /** Colour (default: only when stdout is a terminal and NO_COLOR is unset). */
  readonly colour?: boolean;
  /** Leave out the per-task lines (queued, sent, done); failures and everything else stay. */
  readonly quiet?: boolean;
}

/** Most characters of an error message shown on one line (a consumer's message may be long). */
const MESSAGE_CHARS = 240;

/** The per-task events that `quiet` leaves out of the text log. */
const TASK_LINES: ReadonlySet<ProducerEvent["event"]> = new Set(["task_queued", "task_sent", "task_done"]);

/** Text for a person: `12:00:01.250 done    #12 ← 127.0.0.1:9000 in 3.1 ms: 55`. */
export class TextLogger implements Logger {
  private readonly c: ReturnType<typeof pc.createColors>;
  private readonly stats: StatsLine;
  private readonly quiet: boolean;
  /** Tasks with a call in flight: a `shutdown` failure of any other task was still queued. */
  private readonly inFlight = new Set<number>();
  /** Queued tasks failed by shutdown and not yet told: one line for all of them, not one each. */
  private shutDownQueued = 0;

  constructor(
    private readonly write: Write = writeStdout,
    options: TextOptions = {},
  ) {
    this.c = pc.createColors(options.colour ?? colourWanted());
    this.stats = new StatsLine(this.c);
    this.quiet = options.quiet ?? false;
  }

  log(event: ProducerEvent): void {
    if (event.event === "task_sent") {
      this.inFlight.add(event.id);
    } else if (event.event === "task_done" || event.event === "task_failed") {
      const wasInFlight = this.inFlight.delete(event.id);
      if (event.event === "task_failed" && event.reason === "shutdown" && !wasInFlight) {
        // They fail together, in one turn: told at the next event or at the end of the turn.
        if (this.shutDownQueued++ === 0) setImmediate(() => this.tellShutDownQueued());
        return;
      }
    }
    this.tellShutDownQueued();
    if (this.quiet && TASK_LINES.has(event.event)) return;
    this.line(this.format(event));
  }

  private tellShutDownQueued(): void {
    const count = this.shutDownQueued;
    if (count === 0) return;
    this.shutDownQueued = 0;
    this.line(`${tag(this.c.red, "failed")} ${count} queued task${count === 1 ? "" : "s"} failed with "shutdown" (final)`);
  }

  /** Writes `text` with the time in front; lines after the first are indented under it. */
  private line(text: string): void {
    const time = new Date().toISOString().slice(11, 23);
    // Lines after the first belong to the same moment: indented under it, so the block reads as one.
    const lines = text.split("\n");
    this.write(lines.map((line, i) => `${i === 0 ? this.c.dim(time) : " ".repeat(time.length)} ${line}\n`).join(""));
  }

  private format(e: ProducerEvent): string {
    const { c } = this;
    switch (e.event) {
      case "started":
        return `${c.bold(e.options.load === true ? "client --load" : "producer")} → ${e.targets.join(", ")}  ${Object.entries(e.options)
          .filter(([, value]) => value !== null)
          .map(([key, value]) => `${key}=${String(value)}`)
          .join(" ")}`;
      case "task_queued":
        return `${tag(c.cyan, "queued")} #${e.id} ${terminalText(e.command, 72)} ${c.dim(`(queue ${e.queue_depth}${e.client === undefined ? "" : `, from ${e.source} ${terminalText(String(e.client), 60)}`})`)}`;
      case "task_sent":
        return `${tag(c.blue, "sent")} #${e.id} → ${e.target}${e.attempt > 1 ? c.yellow(` (attempt ${e.attempt})`) : ""}`;
      case "task_done":
        return `${tag(c.green, "done")} #${e.id} ← ${e.target} in ${e.latency_ms.toFixed(1)} ms: ${terminalText(e.result, 60)}`;
      case "task_failed": {
        const where = e.target === null ? "never sent" : `at ${e.target}`;
        const next = e.final ? c.red("final") : c.yellow("will retry");
        return `${tag(e.final ? c.red : c.yellow, "failed")} #${e.id} ${where} (attempt ${e.attempt}, ${next}): ${terminalText(e.error, MESSAGE_CHARS)}`;
      }
      case "target_down":
        return `${tag(c.red, "down")} ${c.bold(e.target)}: ${terminalText(e.reason, MESSAGE_CHARS)}; probing with system ping`;
      case "target_up":
        return `${tag(c.green, "up")} ${c.bold(e.target)} answers again (down ${e.down_s.toFixed(1)} s)`;
      case "no_target_up":
        return `${tag(c.red, "down")} no consumer is up; queued tasks fail after ${e.queue_timeout_s} s (--queue-timeout)`;
      case "front_door":
        return `${tag(c.bold, "open")} ${e.intake === "http" ? "HTTP" : "line protocol"} front door listening on ${c.bold(e.address)} (--${e.intake})`;
      case "live_page":
        return `${tag(c.bold, "open")} live page at ${c.bold(c.underline(e.url))} (--${e.door})`;
      case "front_door_error":
        return `${tag(c.red, "door")} ${e.intake} ${e.address}: ${terminalText(e.error, MESSAGE_CHARS)}`;
      case "broker_up":
        return `${tag(c.green, "broker")} consuming the task queue at ${c.bold(terminalText(e.url, 120))} (--amqp)`;
      case "broker_down":
        return `${tag(c.red, "broker")} lost: ${terminalText(e.reason, MESSAGE_CHARS)}; no new tasks from it, reconnecting`;
      case "queue_full":
        return `${tag(c.magenta, "backlog")} the queue is full (${e.queue_limit} tasks): the payload waits for room`;
      case "queue_has_room":
        return `${tag(c.magenta, "backlog")} the queue has room again after ${e.blocked_s.toFixed(1)} s`;
      case "shutdown":
        return e.forced
          ? `${tag(c.red, "stop")} ${e.signal} again: exiting now; ${e.in_flight} in flight and ${e.queued} queued fail with "shutdown"`
          : `${tag(c.yellow, "stop")} ${e.signal}: no new tasks; ${e.in_flight} in flight finish, ${e.queued} queued fail with "shutdown" (again to exit at once)`;
      case "stats":
        return this.stats.format(e).join("\n");
      case "summary":
        return this.formatSummary(e);
      case "report":
        return `${tag(c.bold, "report")} ${c.underline(e.path)}`;
    }
  }

  private formatSummary(s: Summary): string {
    const { c } = this;
    const verdict = s.failed === 0 && s.lost === 0 ? c.green("all succeeded") : c.red(`${s.failed} failed`);
    const reasons = Object.entries(s.failures).map(([reason, n]) => `${reason} ${n}`).join(", ");
    return [
      `${tag(c.bold, "summary")} ${verdict}: produced ${s.produced}, succeeded ${s.succeeded}, failed ${s.failed}${reasons ? ` (${reasons})` : ""}, lost ${s.lost}; ${s.duration_s.toFixed(1)} s, ${s.throughput_per_s.toFixed(2)} tasks/s`,
      ...summaryTable(s),
    ].join("\n");
  }
}

/** The logger for `--log-format`; `text` options do not apply to JSON, which always carries every event. */
export function createLogger(format: LogFormat, write?: Write, text: TextOptions = {}): Logger {
  return format === "json" ? new JsonLogger(write) : new TextLogger(write, text);
}

function colourWanted(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

function tag(colour: (text: string) => string, word: string): string {
  return colour(word.padEnd(7));
}
