// Reads a loop trace (PROTOCOL §9) as a viewer would, and lists what breaks its promises.
import type { ChromeTrace, TraceEvent } from "../../src/loop/index.js";

interface Span {
  readonly start: number;
  readonly end: number;
  readonly event: TraceEvent;
}

/** A slice in whole nanoseconds (the trace's microseconds have three decimals). */
function span(event: TraceEvent): Span {
  const start = Math.round(event.ts! * 1000);
  return { start, end: start + Math.round(event.dur! * 1000), event };
}

function overlapping(spans: Span[]): string[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const found: string[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const [before, after] = [sorted[i - 1]!, sorted[i]!];
    if (after.start < before.end) found.push(`${JSON.stringify(before.event)} overlaps ${JSON.stringify(after.event)}`);
  }
  return found;
}

export interface TraceProblems {
  /** Two steps at once (anywhere), or a task's wait over one of its own steps. */
  readonly overlaps: string[];
  /** Flow ends that are not inside a step of their track, or that have no other end. */
  readonly strayFlows: string[];
  /** Tracks that ran with no thread_name, or with a bare number for one. */
  readonly unnamed: number[];
}

export function checkTrace(trace: ChromeTrace): TraceProblems {
  const events = trace.traceEvents;
  const steps = events.filter((e) => e.ph === "X" && e.cat === "run").map(span);
  const overlaps = overlapping(steps);
  const tids = new Set(events.filter((e) => e.ph === "X").map((e) => e.tid!));
  for (const tid of tids) overlaps.push(...overlapping(events.filter((e) => e.ph === "X" && e.tid === tid).map(span)));

  const strayFlows: string[] = [];
  const flows = events.filter((e) => e.cat === "wake");
  const inStep = (e: TraceEvent) => {
    const at = Math.round(e.ts! * 1000);
    return steps.some((s) => s.event.tid === e.tid && s.start <= at && at <= s.end);
  };
  for (const flow of flows) {
    if (!inStep(flow)) strayFlows.push(`${JSON.stringify(flow)} is not in a step of task ${flow.tid}`);
    const other = flow.ph === "s" ? "f" : "s";
    if (!flows.some((e) => e.ph === other && e.id === flow.id)) strayFlows.push(`${JSON.stringify(flow)} has no "${other}"`);
  }

  const names = new Map(events.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => [e.tid!, String(e.args?.name ?? "")]));
  const unnamed = [...new Set(steps.map((s) => s.event.tid!))].filter((tid) => !/[^\d\s#]/.test(names.get(tid) ?? ""));
  return { overlaps, strayFlows, unnamed };
}
