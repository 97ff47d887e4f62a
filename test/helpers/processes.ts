// Child processes for end-to-end tests: spawn, watch their output line by line, wait for a line
// or for the exit (bounded), and stop them. Every process started here is tracked, so a test file
// can `afterEach(stopAll)` and never leak one.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { freePort } from "./ports.js";
import { waitUntil } from "./wait.js";

/** The repository's root directory. */
export const repoRoot = join(import.meta.dirname, "..", "..");

/** How a process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running child process and what it has printed so far. */
export interface RunningProcess {
  readonly child: ChildProcess;
  /** Complete lines printed on stdout so far (live). */
  readonly stdoutLines: string[];
  /** Complete lines printed on stderr so far (live). */
  readonly stderrLines: string[];
  /** Everything printed on stdout / stderr so far. */
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

function lineCollector(lines: string[], all: { text: string }): (chunk: Buffer) => void {
  let partial = "";
  return (chunk) => {
    const text = chunk.toString("utf8");
    all.text += text;
    const parts = (partial + text).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  };
}

/** Spawns `command args` (not through a shell) and tracks it. */
export function startProcess(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunningProcess {
  const child = spawn(command, [...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  const out = { text: "" };
  const err = { text: "" };
  child.stdout!.on("data", lineCollector(stdoutLines, out));
  child.stderr!.on("data", lineCollector(stderrLines, err));
  let exit: Exit | undefined;
  const exitPromise = new Promise<Exit>((resolve) => {
    child.once("close", (code, signal) => {
      exit = { code, signal };
      running.delete(handle);
      resolve(exit);
    });
  });
  child.once("error", () => {}); // spawn failures show as the exit and stderr; do not crash the runner

  const exited = async (timeoutMs = 10_000): Promise<Exit> => {
    await waitUntil(() => exit !== undefined, `${command} to exit`, timeoutMs);
    return exitPromise;
  };

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
        throw new Error(`${(error as Error).message}\nstdout:\n${out.text}\nstderr:\n${err.text}`, { cause: error });
      }
      const line = stdoutLines.find(matches);
      if (line === undefined) {
        throw new Error(`exited (${JSON.stringify(exit)}) before printing ${String(pattern)}\nstdout:\n${out.text}\nstderr:\n${err.text}`);
      }
      return line;
    },
    exited,
    async stop(signal = "SIGTERM", timeoutMs = 5_000) {
      if (exit !== undefined) return exit;
      child.kill(signal);
      try {
        return await exited(timeoutMs);
      } catch {
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
  const started = startProcess(command, args, options);
  const exit = await started.exited(options.timeoutMs ?? 15_000);
  return { ...exit, stdout: started.stdout(), stderr: started.stderr() };
}

/** Stops (SIGKILL) every process the helpers started that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop("SIGKILL")));
}

/** A program of this repository, as the run_rpc_*.sh scripts name it. */
export type Program = "producer" | "consumer";

/**
 * The command that runs `program`'s bundle, dist/PROGRAM.js, as its run script does (minus its
 * memory flags); test/global-setup.ts builds the bundles once per test run.
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
export interface StartConsumerOptions {
  /** Start it through ./run_rpc_consumer.sh instead of running its bundle with node directly. */
  readonly viaScript?: boolean;
  /** Working directory (default: the repository root). */
  readonly cwd?: string;
  /** Wait this long for `listening on` (default 10 s). */
  readonly timeoutMs?: number;
}

/**
 * Starts a consumer on `port` (a free one when undefined) with `extraArgs`, and resolves once it
 * prints `listening on HOST:PORT`. Stop it with `stop()` or `stopAll()`.
 */
export async function startConsumer(port?: number, extraArgs: readonly string[] = [], options: StartConsumerOptions = {}): Promise<RunningConsumer> {
  const chosen = port ?? (await freePort());
  const [command, args] = (options.viaScript ? scriptCommand : bundleCommand)("consumer", [String(chosen), ...extraArgs]);
  const started = startProcess(command, args, options.cwd === undefined ? {} : { cwd: options.cwd });
  const line = await started.waitForLine("listening on", options.timeoutMs ?? 10_000);
  const match = /listening on \[?([^\s\]"]+?)\]?:(\d+)/.exec(line);
  return { ...started, host: match?.[1] ?? "127.0.0.1", port: Number(match?.[2] ?? chosen) };
}
