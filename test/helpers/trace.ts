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

/** A call task's track: its name (`call #12 → 127.0.0.1:9000`) and its waits, in nanoseconds. */
export interface CallTrack {
  readonly tid: number;
  readonly name: string;
  readonly waits: readonly Span[];
}

/** Every `call #…` track of a trace, with its waits. */
export function callTracks(trace: ChromeTrace): CallTrack[] {
  const events = trace.traceEvents;
  return events
    .filter((e) => e.ph === "M" && e.name === "thread_name" && String(e.args?.name).startsWith("call #"))
    .map((e) => ({ tid: e.tid!, name: String(e.args!.name), waits: events.filter((w) => w.cat === "wait" && w.tid === e.tid).map(span) }));
}

/**
 * A call's `sent` and `done` as the trace itself shows them. The worker emits `task_sent` in the
 * step that spawns the call task, and `task_done` (or `task_failed`) in the step the call's end
 * wakes (it joins the call): so `sent` is the step at the start of the wake arrow into the call's
 * first step, `done` the step at the end of the arrow from its last step back to that worker.
 * Nanoseconds; `undefined` where an arrow is missing (a call still running when the trace ended).
 */
export function callSentAndDone(trace: ChromeTrace, call: CallTrack): { sent: number | undefined; done: number | undefined } {
  const events = trace.traceEvents;
  const flows = events.filter((e) => e.cat === "wake");
  const startOf = (f: TraceEvent) => flows.find((s) => s.ph === "s" && s.id === f.id);
  const into = flows.filter((f) => f.ph === "f" && f.tid === call.tid).sort((a, b) => a.ts! - b.ts!)[0];
  const spawn = into === undefined ? undefined : startOf(into);
  if (spawn === undefined) return { sent: undefined, done: undefined };
  const worker = spawn.tid!;
  const back = flows.find((f) => f.ph === "f" && f.tid === worker && startOf(f)?.tid === call.tid);
  // The spawning step: the worker's step that holds the arrow's start (its last nanosecond).
  const at = Math.round(spawn.ts! * 1000);
  const sentStep = events.filter((e) => e.cat === "run" && e.tid === worker).map(span).find((s) => s.start <= at && at <= s.end);
  return { sent: sentStep?.start, done: back === undefined ? undefined : Math.round(back.ts! * 1000) };
}

/** The waits of call tasks that do not sit between their call's `sent` and `done` (empty when all do). */
export function callWaitsOutsideTheirCall(trace: ChromeTrace, boundsOf: (call: CallTrack) => { sent: number | undefined; done: number | undefined } = (call) => callSentAndDone(trace, call)): string[] {
  const problems: string[] = [];
  for (const call of callTracks(trace)) {
    const { sent, done } = boundsOf(call);
    if (sent === undefined || done === undefined) {
      problems.push(`${call.name}: no sent or no done (sent ${sent}, done ${done})`);
      continue;
    }
    for (const wait of call.waits) {
      if (wait.start < sent || wait.end > done) problems.push(`${call.name}: ${JSON.stringify(wait.event)} is not between sent ${sent} ns and done ${done} ns`);
    }
  }
  return problems;
}
