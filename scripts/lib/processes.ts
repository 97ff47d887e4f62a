// The one set of process and port helpers for the demo, the benchmarks and the tests: a free port,
// a child process watched line by line, waits that are always bounded, and a stop that escalates
// to SIGKILL. Every process started here is tracked, so a caller can `stopAll()` on its way out
// (a test file in `afterEach`, a script on error or Ctrl-C) and never leak one.
// Scripts and tests may use Promises; only src/ runs on the generator loop.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import net from "node:net";
import { join } from "node:path";

/** The repository's root directory. */
export const repoRoot = join(import.meta.dirname, "..", "..");

// ---------------------------------------------------------------------------------------------
// Ports

/**
 * A TCP port that was free on `host` a moment ago: bind port 0, read the port the kernel chose,
 * close, hand the number on. Another process could take it in between; in practice the kernel
 * does not reuse it that fast (and {@link startConsumer} tries again if it happens).
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address !== "object") {
        server.close();
        reject(new Error("no TCP address after listen"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** A port held by a listening server until `close()`: for "port in use" tests. */
export async function occupiedPort(host = "127.0.0.1"): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0 }, resolve);
  });
  const address = server.address() as net.AddressInfo;
  return { port: address.port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// ---------------------------------------------------------------------------------------------
// Waiting

/** Resolves once `check()` is truthy; rejects after `timeoutMs` with `what` in the message. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes

/** How a process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * What becomes of a child's output:
 * - `keep` (default): piped here, every line kept (tests read it);
 * - `tail`: piped here, only the last {@link TAIL_LINES} lines of each stream kept: a long
 *   run's log drained as a log collector would, in bounded memory;
 * - `inherit`: straight to this process's stdout and stderr, for a person watching (colours on
 *   a terminal);
 * - `discard`: stdout to /dev/null, stderr inherited: a benchmark's server whose per-request log
 *   would only cost this process CPU to read.
 */
export type Output = "keep" | "tail" | "inherit" | "discard";

/** Lines of each stream that `output: "tail"` keeps. */
export const TAIL_LINES = 200;

/** Options of {@link startProcess}. */
export interface ProcessOptions {
  /** Working directory (default: the repository root). */
  readonly cwd?: string;
  /** Added to this process's environment (and NO_COLOR=1 unless the output is inherited). */
  readonly env?: NodeJS.ProcessEnv;
  readonly output?: Output;
  /** Also append everything it prints (both streams) to this file. */
  readonly logFile?: string;
}

/** A running child process and what it has printed so far. */
export interface RunningProcess {
  readonly child: ChildProcess;
  /** Complete lines printed on stdout so far (live; only the tail with `output: "tail"`). */
  readonly stdoutLines: string[];
  /** Complete lines printed on stderr so far (live). */
  readonly stderrLines: string[];
  /** Everything printed on stdout / stderr so far (empty unless the output is kept). */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (bounded wait). */
  waitForLine(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited (bounded wait). */
  exited(timeoutMs?: number): Promise<Exit>;
  /** Sends `signal` (default SIGTERM), waits for the exit, SIGKILLs after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
}

const running = new Set<RunningProcess>();

function lineCollector(lines: string[], all: { text: string }, output: Output, log: WriteStream | undefined): (chunk: Buffer) => void {
  let partial = "";
  return (chunk) => {
    log?.write(chunk);
    const text = chunk.toString("utf8");
    if (output === "keep") all.text += text;
    const parts = (partial + text).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    if (output === "tail" && lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
  };
}

const STDIO: Record<Output, StdioOptions> = {
  keep: ["ignore", "pipe", "pipe"],
  tail: ["ignore", "pipe", "pipe"],
  inherit: ["ignore", "inherit", "inherit"],
  discard: ["ignore", "ignore", "inherit"],
};

/** Spawns `command args` (not through a shell) and tracks it. */
export function startProcess(command: string, args: readonly string[], options: ProcessOptions = {}): RunningProcess {
  const output = options.output ?? "keep";
  const child = spawn(command, [...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...(output === "inherit" ? {} : { NO_COLOR: "1" }), ...options.env },
    stdio: STDIO[output],
  });
  const log = options.logFile === undefined ? undefined : createWriteStream(options.logFile);
  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  const out = { text: "" };
  const err = { text: "" };
  child.stdout?.on("data", lineCollector(stdoutLines, out, output, log));
  child.stderr?.on("data", lineCollector(stderrLines, err, output, log));
  let exit: Exit | undefined;
  const exitPromise = new Promise<Exit>((resolve) => {
    child.once("close", (code, signal) => {
      exit = { code, signal };
      running.delete(handle);
      log?.end();
      resolve(exit);
    });
  });
  // A spawn failure (no such command) shows as the exit (code null) and is reported by whoever
  // waits for a line or the exit; without this listener it would crash the caller instead.
  child.once("error", (error) => {
    err.text += `${error.message}\n`;
    stderrLines.push(error.message);
  });

  const exited = async (timeoutMs = 10_000): Promise<Exit> => {
    await waitUntil(() => exit !== undefined, `${command} to exit`, timeoutMs);
    return exitPromise;
  };
  const printed = (): string => `\nstdout:\n${out.text || stdoutLines.join("\n")}\nstderr:\n${err.text || stderrLines.join("\n")}`;

  const handle: RunningProcess = {
    child,
    stdoutLines,
    stderrLines,
    stdout: () => out.text,
    stderr: () => err.text,
    async waitForLine(pattern, timeoutMs = 10_000) {
      const matches = (line: string): boolean => (typeof pattern === "string" ? line.includes(pattern) : pattern.test(line));
      try {
        await waitUntil(() => stdoutLines.some(matches) || exit !== undefined, `a line matching ${String(pattern)}`, timeoutMs);
      } catch (error) {
        throw new Error(`${(error as Error).message}${printed()}`, { cause: error });
      }
      const line = stdoutLines.find(matches);
      if (line === undefined) throw new Error(`exited (${JSON.stringify(exit)}) before printing ${String(pattern)}${printed()}`);
      return line;
    },
    exited,
    async stop(signal = "SIGTERM", timeoutMs = 5_000) {
      if (exit !== undefined) return exit;
      child.kill(signal);
      try {
        return await exited(timeoutMs);
      } catch {
        // It did not stop in time: no more asking.
        child.kill("SIGKILL");
        return exited(timeoutMs);
      }
    },
  };
  running.add(handle);
  return handle;
}

/** Runs a command to its end and returns its exit and output. */
export async function runToExit(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<Exit & { stdout: string; stderr: string }> {
  const started = startProcess(command, args, options.cwd === undefined ? {} : { cwd: options.cwd });
  const exit = await started.exited(options.timeoutMs ?? 15_000);
  return { ...exit, stdout: started.stdout(), stderr: started.stderr() };
}

/** Kills (SIGKILL) every process started here that is still running: a test's leftovers. */
export async function stopAll(): Promise<void> {
  // Takes no argument: test files pass it straight to afterEach, which hands it a context.
  await Promise.all([...running].map((p) => p.stop("SIGKILL")));
}

/** SIGTERM to every process started here that still runs (SIGKILL after 5 s): a script's clean exit. */
export async function terminateAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop("SIGTERM")));
}

// ---------------------------------------------------------------------------------------------
// The repository's programs

/** A program of this repository, as the run_rpc_*.sh scripts name it. */
export type Program = "producer" | "consumer" | "client";

/**
 * The command that runs `program`'s bundle, dist/PROGRAM.js, as its run script does (minus its
 * memory flags); the e2e tests' global setup builds the bundles once per run.
 */
export function bundleCommand(program: Program, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, ["--enable-source-maps", join(repoRoot, "dist", `${program}.js`), ...args]];
}

/** The command a user types: ./run_rpc_PROGRAM.sh with `args` (it execs node: its PID is the program's). */
export function scriptCommand(program: Program, args: readonly string[] = []): [string, string[]] {
  return [join(repoRoot, `run_rpc_${program}.sh`), [...args]];
}

/** A consumer process that printed `listening on HOST:PORT`. */
export interface RunningConsumer extends RunningProcess {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link startConsumer}. */
export interface StartConsumerOptions extends Pick<ProcessOptions, "cwd" | "logFile"> {
  /** Start it through ./run_rpc_consumer.sh (builds the bundle when stale) instead of running its bundle with node. */
  readonly viaScript?: boolean;
  /** Wait this long for `listening on` (default 10 s). */
  readonly timeoutMs?: number;
  /** `keep` (default) or `tail` for a consumer that will log many requests. */
  readonly output?: "keep" | "tail";
}

/**
 * Starts a consumer on `port` (a free one when undefined) with `extraArgs`, and resolves once it
 * prints `listening on HOST:PORT`. On a port of its own choosing it tries again (three times in
 * all) if another process took the port in the moment between probe and listen. Stop it with
 * `stop()` or `stopAll()`.
 */
export async function startConsumer(port?: number, extraArgs: readonly string[] = [], options: StartConsumerOptions = {}): Promise<RunningConsumer> {
  for (let attempt = 1; ; attempt++) {
    const chosen = port ?? (await freePort());
    const [command, args] = (options.viaScript ? scriptCommand : bundleCommand)("consumer", [String(chosen), ...extraArgs]);
    const started = startProcess(command, args, {
      output: options.output ?? "keep",
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
    });
    try {
      const line = await started.waitForLine("listening on", options.timeoutMs ?? 10_000);
      const match = /listening on \[?([^\s\]"]+?)\]?:(\d+)/.exec(line);
      return { ...started, host: match?.[1] ?? "127.0.0.1", port: Number(match?.[2] ?? chosen) };
    } catch (error) {
      await started.stop("SIGKILL");
      const taken = started.stderrLines.some((l) => /in use/i.test(l));
      if (port !== undefined || !taken || attempt >= 3) throw error;
    }
  }
}

/**
 * Starts `count` consumers on free ports through ./run_rpc_consumer.sh, as users run them, a few
 * at a time (many start-ups at once on a small machine only thrash). Their log (a line per request)
 * goes to a pipe this process drains into a bounded tail, as it would to a log collector.
 */
export async function startConsumers(count: number, extraArgs: readonly string[] = []): Promise<RunningConsumer[]> {
  const started: RunningConsumer[] = [];
  for (let i = 0; i < count; i += 4) {
    const batch = Array.from({ length: Math.min(4, count - i) }, () => startConsumer(undefined, extraArgs, { viaScript: true, output: "tail", timeoutMs: 20_000 }));
    started.push(...(await Promise.all(batch)));
  }
  return started;
}
