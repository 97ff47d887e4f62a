// What the benchmarks share beside the process helpers (scripts/lib/processes.ts): a median, a
// process's peak RSS and CPU time, a plain-text table, and stopping everything they started on Ctrl-C.
import { readFileSync } from "node:fs";
import { startProcess, terminateAll } from "../lib/processes.js";

/** The median of the finite values (NaN for none). */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** VmHWM (peak resident set) of a process, in kB; undefined once it is gone. */
export function vmHwmKb(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // the process is gone: its peak is what was seen before
  }
}

/** CPU time (user + system) a process has used so far, ms; undefined once it is gone. */
export function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they are 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** The one JSON line a load driver prints (drivers/common.ts, drivers/asyncio_driver.py). */
export interface DriverResult {
  readonly driver: string;
  readonly calls: number;
  readonly errors: number;
  readonly first_error: string | null;
  readonly elapsed_s: number;
  readonly calls_per_s: number;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly cpu_us_per_call: number | null;
  readonly max_rss_mb: number;
}

/**
 * Runs a load driver, `argv` (the command and its arguments), to its end, and returns its JSON
 * line; it is killed, and this throws, when it has not finished after `limitMs`.
 */
export async function runDriver(name: string, argv: readonly string[], limitMs: number): Promise<DriverResult> {
  const child = startProcess(argv[0]!, argv.slice(1));
  let exit;
  try {
    exit = await child.exited(limitMs);
  } catch (error) {
    await child.stop("SIGKILL");
    throw new Error(`driver ${name} did not finish within ${limitMs / 1000} s`, { cause: error });
  }
  const line = child.stdout().trim().split("\n").pop() ?? "";
  try {
    if (exit.code !== 0) throw new Error(`exit ${exit.code ?? exit.signal}`);
    return JSON.parse(line) as DriverResult;
  } catch (error) {
    throw new Error(`driver ${name} failed (${(error as Error).message}): ${child.stderr().trim().slice(0, 500) || line}`, { cause: error });
  }
}

/** Rows as aligned columns: the first `leftColumns` padded on the right, the rest on the left. */
export function table(rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")).join("\n");
}

/**
 * On SIGINT/SIGTERM, stops every process the benchmark started, then `alsoStop()` (what is not a
 * tracked process: a private broker), then exits 130.
 */
export function stopEverythingOnSignals(log: (line: string) => void, alsoStop?: () => Promise<unknown>): void {
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: stopping everything this benchmark started`);
      void terminateAll()
        .then(() => alsoStop?.())
        .catch((error: unknown) => log(`while stopping: ${error instanceof Error ? error.message : String(error)}`))
        .then(() => process.exit(130));
    });
  }
}
