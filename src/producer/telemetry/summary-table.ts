import type { Summary, TargetSummary } from "../dispatch/events.js";

const HEADERS = ["", "count", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms"];

/** The summary as an aligned table: one row per target, then one per handler, then the total. */
export function summaryTable(s: Summary): string[] {
  const rows: string[][] = [];
  for (const [name, t] of Object.entries(s.per_target)) rows.push(row(`target ${name}`, t.succeeded + t.failed, t));
  for (const [name, h] of Object.entries(s.per_handler)) rows.push(row(`handler ${name}`, h.count, h));
  rows.push([
    "all tasks",
    String(s.produced),
    String(s.failed),
    ms(s.latency_ms.p50),
    ms(s.latency_ms.p95),
    ms(s.latency_ms.p99),
    ms(s.latency_ms.max),
  ]);
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [format(HEADERS), ...rows.map(format)];
}

function row(label: string, count: number, t: TargetSummary): string[] {
  return [label, String(count), String(t.failed), ms(t.p50), ms(t.p95), ms(t.p99), ms(t.max)];
}

function ms(value: number | null): string {
  return value === null ? "-" : value.toFixed(1);
}
