// What the benchmarks share beside the process helpers (scripts/lib/processes.ts): a median, a
// process's peak RSS, a plain-text table, and stopping everything they started on Ctrl-C.
import { readFileSync } from "node:fs";
import { terminateAll } from "../lib/processes.js";

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

/** Rows as aligned columns: the first `leftColumns` padded on the right, the rest on the left. */
export function table(rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ")).join("\n");
}

/** On SIGINT/SIGTERM, stops every process the benchmark started, then exits 130. */
export function stopEverythingOnSignals(log: (line: string) => void): void {
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`${signal}: stopping everything this benchmark started`);
      void terminateAll().then(() => process.exit(130));
    });
  }
}
