// The consumer's log: one line per event, human text (the default) or JSON (`--log-format json`,
// one object per line with `time` and `event`). A request line tells who asked (peer), what
// (the command, cut to 80 characters), how it ended (`ok` or the error code) and how long the
// connection was served (ms).

import { BoundedWriter, colourWanted, colours, droppedLinesNotice, type LogFormat } from "../cli/index.js";
import type { RpcErrorCode } from "../rpc/index.js";

/** One served connection. */
export interface RequestRecord {
  /** `host:port` of the client. */
  readonly peer: string;
  /** The request, printable and cut to 80 characters (empty when nothing arrived). */
  readonly command: string;
  /** `ok`, or the error code of the reply. */
  readonly outcome: "ok" | RpcErrorCode;
  /** The error reply's message, when there is one. */
  readonly message?: string | undefined;
  /** What ended the request: `newline`, `end` (half-close), `quiet`, `limit`, `timeout`. */
  readonly endedBy: string;
  /** From the start of serving the connection to the reply handed to the kernel. */
  readonly durationMs: number;
  /** Time spent waiting in line before being served. */
  readonly waitMs: number;
}

/** Where the consumer reports what it does. */
export interface ConsumerLog {
  listening(host: string, port: number): void;
  request(record: RequestRecord): void;
  /** A client that went away (reset, closed) before its reply, or failed after it. */
  clientGone(peer: string, detail: string): void;
  /** A complete request not computed because its client is gone (it reset the connection). */
  skipped(peer: string, command: string, detail: string): void;
  /** A server-side failure that does not stop serving (a failed accept). */
  serverProblem(detail: string): void;
  /** A handler bug: the reply was `ERROR internal`; the stack goes to the log. */
  internalError(peer: string, command: string, error: unknown): void;
  shuttingDown(signal: string, detail: string): void;
  closed(): void;
}

/** Where lines go: `out` for events, `err` for stacks in text format. */
export interface LogSinks {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Colour text lines (default: only when stdout is a terminal and NO_COLOR is unset). */
  readonly color?: boolean;
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

function ms(value: number): number {
  return Math.round(value * 100) / 100;
}

function defaultSinks(format: LogFormat): LogSinks {
  // A stalled reader (a pipe never read) must not make the log pile up in memory: past a limit,
  // lines are dropped and counted.
  const writer = new BoundedWriter(process.stdout, { notice: droppedLinesNotice(format) });
  // A log reader that goes away (`... | head`) must not take the server down with it: say so
  // once on stderr and keep serving without a log.
  let stdoutOpen = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    if (stdoutOpen) process.stderr.write("log: stdout was closed (EPIPE); serving on without a log\n");
    stdoutOpen = false;
  });
  return {
    out: (line) => {
      if (stdoutOpen) writer.write(line + "\n");
    },
    err: (line) => process.stderr.write(line + "\n"),
    color: colourWanted(process.stdout),
  };
}

/** A log writing `format` lines to `sinks` (stdout and stderr by default). */
export function createLog(format: LogFormat, sinks: LogSinks = defaultSinks(format)): ConsumerLog {
  return format === "json" ? jsonLog(sinks) : textLog(sinks);
}

function jsonLog({ out }: LogSinks): ConsumerLog {
  const emit = (event: string, fields: Record<string, unknown>): void =>
    out(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
  return {
    listening: (host, port) =>
      emit("listening", { message: `listening on ${hostPort(host, port)}`, host, port }),
    // The hot path: one object, no spreads; JSON.stringify leaves out an undefined `message`.
    request: (r) =>
      out(
        JSON.stringify({
          time: new Date().toISOString(),
          event: "request",
          peer: r.peer,
          command: r.command,
          outcome: r.outcome,
          message: r.message,
          ended_by: r.endedBy,
          duration_ms: ms(r.durationMs),
          wait_ms: ms(r.waitMs),
        }),
      ),
    clientGone: (peer, detail) => emit("client_gone", { peer, message: detail }),
    skipped: (peer, command, detail) => emit("skipped", { peer, command, message: detail }),
    serverProblem: (detail) => emit("server_problem", { message: detail }),
    internalError: (peer, command, error) => emit("internal_error", { peer, command, stack: stackOf(error) }),
    shuttingDown: (signal, detail) => emit("shutdown", { signal, message: detail }),
    closed: () => emit("closed", { message: "closed; bye" }),
  };
}

function textLog({ out, err, color = false }: LogSinks): ConsumerLog {
  const c = colours(color);
  const line = (text: string): void => out(`${c.dim(new Date().toISOString())} ${text}`);
  return {
    listening: (host, port) => line(`${c.green("listening on")} ${c.bold(hostPort(host, port))}`),
    request: (r) => {
      const outcome = r.outcome === "ok" ? c.green("ok".padEnd(15)) : c.red(r.outcome.padEnd(15));
      const duration = `${ms(r.durationMs).toFixed(1).padStart(7)} ms`;
      const why = r.message === undefined ? "" : c.dim(` — ${r.message}`);
      // The command is already printable (control characters escaped); quotes show its ends.
      line(`${r.peer.padEnd(21)} ${outcome} ${duration}  "${r.command}"${why}`);
    },
    clientGone: (peer, detail) => line(`${peer.padEnd(21)} ${c.yellow(detail)}`),
    skipped: (peer, command, detail) => line(`${peer.padEnd(21)} ${c.yellow("skipped".padEnd(15))}             "${command}" — ${detail}`),
    serverProblem: (detail) => line(c.red(detail)),
    internalError: (peer, command, error) => {
      line(`${peer.padEnd(21)} ${c.red("internal error")} in "${command}"; stack on stderr`);
      err(stackOf(error));
    },
    shuttingDown: (signal, detail) => line(c.yellow(`${signal}: ${detail}`)),
    closed: () => line("closed; bye"),
  };
}

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
