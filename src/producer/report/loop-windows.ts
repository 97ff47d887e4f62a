/**
 * The loop in the report: two short windows cut from the loop's recording (the same events
 * `--trace` writes, PROTOCOL §9), each as one row per task — its steps, its waits and what it
 * waited on — and the hand-offs between tasks (the trace's wake flows). swimlane-svg.ts draws them.
 *
 * The windows are the first {@link WINDOW_MS} ms of the loop's work (from its first step: the
 * recording begins a little before the program's first task runs, and those idle milliseconds
 * teach nothing), and the busiest {@link WINDOW_MS} ms after those: the window, starting at a
 * step, in which the most steps start (the most turns the loop gave to tasks: where the
 * interleaving is densest); on a tie the earlier. It begins after the first window so the two
 * never show the same moment.
 *
 * Pure functions from trace events to plain data, which the report embeds in its JSON block too.
 */

/**
 * One event of the loop's trace, as the report reads it. The report does not import the loop
 * (test/meta/layout.test.ts), so this is the part of the Chrome Trace Event Format it uses, which
 * the loop's own `TraceEvent` satisfies.
 */
export interface LoopTraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly tid?: number;
  /** Microseconds. */
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly id?: number;
  readonly args?: Readonly<Record<string, string | number>>;
}

/** How the recording was bounded: said on the page, so nobody takes a cut trace for the whole run. */
export interface LoopRecording {
  /** `--trace-seconds`: it recorded at most this long from the start. */
  readonly seconds: number;
  /** Why it stopped before the run ended (`its 10 s were up`, `its buffer … is full`), if it did. */
  readonly stoppedEarly: string | undefined;
}

/** The length of each window, ms. */
export const WINDOW_MS = 50;
/** Most rows a window draws; the tasks that ran least in it are left out (and counted). */
export const MAX_ROWS = 40;

/** A span of a row: `at_ms` is since the recording began, clipped to the window. */
export interface SwimlaneSpan {
  readonly at_ms: number;
  readonly dur_ms: number;
}

export interface SwimlaneWait extends SwimlaneSpan {
  /** What it waited on: `get tasks`, `read 127.0.0.1:9000`, `sleep 0.5 s`, … */
  readonly on: string;
  /** The whole wait, also where it runs past the window's edges. */
  readonly waited_ms: number;
}

/** One task in a window. */
export interface SwimlaneRow {
  readonly tid: number;
  /** Its role, as its track in the trace is named (`worker 127.0.0.1:9000`, `call #12 → …`). */
  readonly name: string;
  readonly steps: readonly SwimlaneSpan[];
  readonly waits: readonly SwimlaneWait[];
}

/** A step of `from_tid` made `to_tid` ready (a queue put, a spawn, a join); `to_tid`'s step began at `to_ms`. */
export interface HandOff {
  readonly from_tid: number;
  readonly to_tid: number;
  readonly from_ms: number;
  readonly to_ms: number;
}

export interface SwimlaneWindow {
  readonly kind: "first" | "busiest";
  /** Since the recording began (about when the run did). */
  readonly from_ms: number;
  readonly to_ms: number;
  /** Steps that began in the window: the measure of "busiest". */
  readonly steps: number;
  /** Time the loop spent running tasks in the window. */
  readonly run_ms: number;
  /** By task id, the order tasks were made. */
  readonly rows: readonly SwimlaneRow[];
  /** Tasks active in the window but not drawn (beyond {@link MAX_ROWS}). */
  readonly rows_left_out: number;
  /** Between drawn rows, both ends inside the window. */
  readonly hand_offs: readonly HandOff[];
}

/** The report's `loop` block. */
export interface LoopData {
  readonly window_ms: number;
  readonly busiest_by: string;
  /** From the first event recorded to the last. */
  readonly recorded_ms: number;
  readonly trace_seconds: number;
  readonly stopped_early: string | null;
  /** Tasks that ran while recording, and their steps. */
  readonly tasks: number;
  readonly steps: number;
  /** The first window (from the first step), then the busiest (absent when nothing ran after the first window). */
  readonly windows: readonly SwimlaneWindow[];
}

export const BUSIEST_BY = `most steps beginning in ${WINDOW_MS} ms, after the first window`;

/** A slice in ms since the recording began. */
interface Slice {
  readonly tid: number;
  readonly start: number;
  readonly end: number;
  readonly name: string;
}

/** The report's view of the loop from a recording's events. */
export function loopData(events: readonly LoopTraceEvent[], recording: LoopRecording): LoopData {
  let origin = Infinity;
  let last = -Infinity;
  for (const event of events) {
    if (event.ts === undefined) continue;
    origin = Math.min(origin, event.ts);
    last = Math.max(last, event.ts + (event.dur ?? 0));
  }
  if (origin === Infinity) origin = last = 0;
  const ms = (us: number): number => (us - origin) / 1000;

  const names = new Map<number, string>();
  const steps: Slice[] = [];
  const waits: Slice[] = [];
  const flowStarts = new Map<number, { tid: number; at: number }>();
  const flows: HandOff[] = [];
  for (const event of events) {
    if (event.ph === "M" && event.name === "thread_name" && event.tid !== undefined) names.set(event.tid, String(event.args?.name ?? ""));
    if (event.tid === undefined || event.ts === undefined) continue;
    if (event.ph === "X") {
      const slice = { tid: event.tid, start: ms(event.ts), end: ms(event.ts + (event.dur ?? 0)), name: event.name };
      if (event.cat === "run") steps.push(slice);
      else if (event.cat === "wait") waits.push(slice);
    } else if (event.cat === "wake" && event.id !== undefined) {
      // The recorder writes each flow's "s" just before its "f".
      if (event.ph === "s") flowStarts.set(event.id, { tid: event.tid, at: ms(event.ts) });
      else if (event.ph === "f") {
        const from = flowStarts.get(event.id);
        if (from !== undefined) flows.push({ from_tid: from.tid, to_tid: event.tid, from_ms: from.at, to_ms: ms(event.ts) });
      }
    }
  }
  steps.sort((a, b) => a.start - b.start);

  const first = steps[0]?.start ?? 0;
  const windows = [cutWindow("first", first, steps, waits, flows, names)];
  const busiest = busiestStart(steps, first + WINDOW_MS);
  if (busiest !== undefined) windows.push(cutWindow("busiest", busiest, steps, waits, flows, names));
  return {
    window_ms: WINDOW_MS,
    busiest_by: BUSIEST_BY,
    recorded_ms: round(ms(last)),
    trace_seconds: recording.seconds,
    stopped_early: recording.stoppedEarly ?? null,
    tasks: new Set(steps.map((s) => s.tid)).size,
    steps: steps.length,
    windows,
  };
}

/**
 * Where the busiest window begins: at the start of the step, at or after `after` ms, from which
 * the most steps begin within {@link WINDOW_MS} ms (the earliest such). `undefined` when no step
 * begins that late. `steps` are sorted by start.
 */
export function busiestStart(steps: readonly { readonly start: number }[], after: number): number | undefined {
  let best: number | undefined;
  let most = 0;
  let end = 0;
  for (let i = 0; i < steps.length; i++) {
    const start = steps[i]!.start;
    if (start < after) continue;
    end = Math.max(end, i);
    while (end < steps.length && steps[end]!.start < start + WINDOW_MS) end++;
    if (end - i > most) {
      most = end - i;
      best = start;
    }
  }
  return best;
}

/** The rows of one window, [from, from + WINDOW_MS). */
function cutWindow(
  kind: SwimlaneWindow["kind"],
  from: number,
  steps: readonly Slice[],
  waits: readonly Slice[],
  flows: readonly HandOff[],
  names: ReadonlyMap<number, string>,
): SwimlaneWindow {
  const to = from + WINDOW_MS;
  // A zero-length slice counts when it begins inside the window.
  const inWindow = (s: Slice): boolean => (s.end > from && s.start < to) || (s.start === s.end && s.start >= from && s.start < to);
  const clip = (s: Slice): SwimlaneSpan => {
    const start = Math.max(s.start, from);
    return { at_ms: round(start), dur_ms: round(Math.min(s.end, to) - start) };
  };
  const rows = new Map<number, { steps: SwimlaneSpan[]; waits: SwimlaneWait[] }>();
  const row = (tid: number) => {
    let found = rows.get(tid);
    if (found === undefined) rows.set(tid, (found = { steps: [], waits: [] }));
    return found;
  };
  let began = 0;
  let run = 0;
  for (const step of steps) {
    if (!inWindow(step)) continue;
    if (step.start >= from) began++;
    const span = clip(step);
    run += span.dur_ms;
    row(step.tid).steps.push(span);
  }
  for (const wait of waits) {
    if (inWindow(wait)) row(wait.tid).waits.push({ ...clip(wait), on: wait.name, waited_ms: round(wait.end - wait.start) });
  }
  // Beyond the cap, keep the tasks that ran most often in the window; draw them in the order they were made.
  const kept = [...rows.entries()]
    .sort(([a, x], [b, y]) => y.steps.length - x.steps.length || a - b)
    .slice(0, MAX_ROWS)
    .sort(([a], [b]) => a - b);
  const drawn = new Set(kept.map(([tid]) => tid));
  return {
    kind,
    from_ms: round(from),
    to_ms: round(to),
    steps: began,
    run_ms: round(run),
    rows: kept.map(([tid, r]) => ({ tid, name: names.get(tid) ?? `task#${tid}`, steps: r.steps, waits: r.waits })),
    rows_left_out: rows.size - kept.length,
    hand_offs: flows
      .filter((f) => drawn.has(f.from_tid) && drawn.has(f.to_tid) && f.from_ms >= from && f.to_ms < to)
      .map((f) => ({ ...f, from_ms: round(f.from_ms), to_ms: round(f.to_ms) })),
  };
}

/** Microseconds are the trace's own precision. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
