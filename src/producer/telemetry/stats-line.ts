/**
 * The live `stats` event as a person reads it in a terminal: one line with the rates and the
 * queue, then one short line per target, columns aligned from one tick to the next so a trend
 * shows as you scroll.
 *
 *     stats   in  57.8/s  out  11.9/s  in flight 2  queue   87 ↑50   ████████████▉
 *               127.0.0.1:9000  up   busy ██████████▏ 100%     6 done  p50   88.0 ms  p95  587.4 ms
 *
 * The queue bar is logarithmic — two cells per doubling, 20 cells at 1023 — so a longer bar
 * always means a longer queue and both 5 and 500 waiting tasks show; the number says exactly how
 * many. The busy bar is linear: the share of the interval the target had a call in flight.
 */
import type pc from "picocolors";
import type { ProducerEvent, TargetStats } from "../dispatch/events.js";

type Colours = ReturnType<typeof pc.createColors>;
type StatsEvent = Extract<ProducerEvent, { event: "stats" }>;

/** Queue bar cells per doubling of the depth. */
const CELLS_PER_DOUBLING = 2;
const QUEUE_BAR_WIDTH = 24;
const BUSY_BAR_WIDTH = 10;
/** Busy this much of the time, a consumer is saturated: it takes the next task as soon as it is free. */
const SATURATED = 0.95;
const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** Formats `stats` events; remembers the last depth, for the trend. */
export class StatsLine {
  private previousDepth: number | undefined;

  constructor(private readonly c: Colours) {}

  /** The event as lines (without the time stamp the logger puts before each). */
  format(e: StatsEvent): string[] {
    const { c } = this;
    const cells = Math.log2(1 + e.queue_depth) * CELLS_PER_DOUBLING;
    const queueBar = c.yellow(bar(cells / QUEUE_BAR_WIDTH, QUEUE_BAR_WIDTH));
    const header = [
      `${c.bold("stats".padEnd(7))} in ${rate(e.produced_per_s)}/s  out ${rate(e.completed_per_s)}/s`,
      `in flight ${e.in_flight}`,
      `queue ${String(e.queue_depth).padStart(4)} ${this.trend(e.queue_depth)} ${queueBar}`,
    ].join("  ");
    this.previousDepth = e.queue_depth;
    const entries = Object.entries(e.per_target);
    const nameWidth = Math.max(0, ...entries.map(([name]) => name.length));
    return [header.trimEnd(), ...entries.map(([name, t]) => `${" ".repeat(10)}${name.padEnd(nameWidth)}  ${this.target(t)}`)];
  }

  private trend(depth: number): string {
    const { c } = this;
    const change = this.previousDepth === undefined ? 0 : depth - this.previousDepth;
    if (change > 0) return c.red(`↑${change}`.padEnd(5));
    if (change < 0) return c.green(`↓${-change}`.padEnd(5));
    return c.dim("=".padEnd(5));
  }

  private target(t: TargetStats): string {
    const { c } = this;
    const state = t.up ? c.green("up  ") : c.red(c.bold("DOWN"));
    const share = t.busy_share;
    const busyBar = (share >= SATURATED ? c.yellow : c.cyan)(bar(share, BUSY_BAR_WIDTH).padEnd(BUSY_BAR_WIDTH, " "));
    const percent = `${Math.round(share * 100)}%`.padStart(4);
    const latency = `p50 ${milliseconds(t.p50)}  p95 ${milliseconds(t.p95)}`;
    return `${state} busy ${busyBar}${c.dim("▏")} ${percent}  ${String(t.completed).padStart(4)} done  ${t.p50 === null ? c.dim(latency) : latency}`;
  }
}

/** A horizontal bar of `fraction` (0..1, clipped) of `width` cells, in eighths of a cell. */
export function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
  return "█".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

function rate(perSecond: number): string {
  return perSecond.toFixed(1).padStart(5);
}

function milliseconds(value: number | null): string {
  return value === null ? "     – ms" : `${value.toFixed(1).padStart(6)} ms`;
}
