/**
 * A trace of the loop in the Chrome Trace Event Format (PROTOCOL §9), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open: a track per task named by its role, a slice per
 * step (`cat: "run"`) and per wait (`cat: "wait"`, named by what it waited on), counters, and
 * flow arrows from the step that woke a task to the step it caused.
 *
 * Cheap while on, free while off (DESIGN "Tracing cheaply"): the loop's hooks (trace.ts) append
 * raw numbers to one preallocated `Float64Array` — kind, two numbers, a time — and a reference to
 * the name or the effect beside them; labels, names and JSON are made only at the end, by
 * `events()`. Recording stops by itself after `seconds`, or when the buffer is full.
 *
 * @example
 * const recording = startTrace({ seconds: 10, counters: { queue: () => queue.size } });
 * // … run …
 * recording.write("trace.json");
 */
import { writeFileSync } from "node:fs";
import { now, setRecorder, type Labelled, type Recorder, type TracedTask } from "./trace.js";

// What a record says. Each is four numbers: KIND, A, B, TIME (ms), and maybe an object beside.
const CREATE = 1; // A task, B parent (0: none); object: its name
const SUSPEND = 2; // A task; object: the effect it waits on
const STEP = 3; // A task, B start; TIME end
const WAKE = 4; // A waker, B woken; TIME the end of the waker's step
const END = 5; // A task, B 1 if it ended in its own step (else it was halted from outside)
const COUNTER = 6; // A counter's index, B its value
const FIELDS = 4;

/** One event of the Chrome Trace Event Format, as this trace uses it. */
export interface TraceEvent {
  readonly name: string;
  readonly ph: "X" | "M" | "C" | "s" | "f";
  readonly pid: number;
  readonly tid?: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly id?: number;
  readonly bp?: "e";
  readonly args?: Readonly<Record<string, string | number>>;
}

/** The file's shape (the JSON object form). */
export interface ChromeTrace {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: "ms";
}

export interface TraceOptions {
  /** Record the first this many seconds; then stop by itself. */
  readonly seconds: number;
  /** Counters sampled after each step, recorded when they change: `{ queue: () => depth }`. */
  readonly counters?: Readonly<Record<string, () => number>>;
  /** The process's name in the trace (`producer`). */
  readonly processName?: string;
  /** Records the buffer holds (four numbers each); once full, recording stops. */
  readonly capacity?: number;
}

/** About 16 MB of numbers: a busy producer's ten seconds. */
const DEFAULT_CAPACITY = 1 << 19;

/** Starts recording the loop; only one recording at a time. */
export function startTrace(options: TraceOptions): TraceRecording {
  if (active?.recording) throw new Error("a trace of the loop is already being recorded");
  active = new TraceRecording(options);
  setRecorder(active);
  return active;
}

export class TraceRecording implements Recorder {
  private readonly numbers: Float64Array;
  private readonly objects: unknown[];
  private readonly capacity: number;
  private count = 0;
  private readonly startedAt = now();
  private readonly stopAt: number;
  private readonly counterNames: string[];
  private readonly counterReads: (() => number)[];
  private readonly counterValues: number[];
  private on = true;
  /** Why it stopped before being asked: for the person who reads a trace shorter than expected. */
  private cutShort: string | undefined;
  private built: TraceEvent[] | undefined;

  /** @internal made by `startTrace`, which also starts it. */
  constructor(private readonly options: TraceOptions) {
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.numbers = new Float64Array(this.capacity * FIELDS);
    this.objects = new Array<unknown>(this.capacity);
    this.stopAt = this.startedAt + options.seconds * 1000;
    this.counterNames = Object.keys(options.counters ?? {});
    this.counterReads = Object.values(options.counters ?? {});
    this.counterValues = this.counterNames.map(() => Number.NaN);
    this.sampleCounters(this.startedAt);
  }

  /** True until stopped (by `stop`, by its time running out, or by a full buffer). */
  get recording(): boolean {
    return this.on;
  }

  /** Why it stopped by itself before `stop` (`"the buffer is full"`), if it did. */
  get stoppedEarly(): string | undefined {
    return this.cutShort;
  }

  stop(): void {
    if (!this.on) return;
    this.on = false;
    setRecorder(undefined);
  }

  // The hooks (see trace.ts's Recorder): a few numbers each, nothing made.

  created(task: TracedTask, parent: TracedTask | undefined): void {
    this.add(CREATE, task.id, parent?.id ?? 0, now(), task.name);
  }

  suspended(task: TracedTask, on: Labelled | undefined): void {
    this.add(SUSPEND, task.id, 0, now(), on);
  }

  stepped(task: TracedTask, start: number, end: number): void {
    this.add(STEP, task.id, start, end, undefined);
    this.sampleCounters(end);
    if (end > this.stopAt) this.stopEarly(`its ${this.options.seconds} s were up`);
  }

  woke(waker: TracedTask, woken: TracedTask, at: number): void {
    this.add(WAKE, waker.id, woken.id, at, undefined);
  }

  ended(task: TracedTask, inOwnStep: boolean): void {
    this.add(END, task.id, inOwnStep ? 1 : 0, now(), undefined);
  }

  private add(kind: number, a: number, b: number, time: number, object: unknown): void {
    if (!this.on) return;
    if (this.count === this.capacity) {
      this.stopEarly(`its buffer of ${this.capacity} records is full`);
      return;
    }
    const at = this.count * FIELDS;
    this.numbers[at] = kind;
    this.numbers[at + 1] = a;
    this.numbers[at + 2] = b;
    this.numbers[at + 3] = time;
    if (object !== undefined) this.objects[this.count] = object;
    this.count++;
  }

  private sampleCounters(time: number): void {
    for (let i = 0; i < this.counterReads.length; i++) {
      const value = this.counterReads[i]!();
      if (value === this.counterValues[i]) continue;
      this.counterValues[i] = value;
      this.add(COUNTER, i, value, time, undefined);
    }
  }

  private stopEarly(why: string): void {
    this.cutShort ??= why;
    this.stop();
  }

  /** Stops recording and writes the trace as JSON to `path`, one event per line. */
  write(path: string): void {
    this.stop();
    const events = this.events();
    writeFileSync(path, `{"traceEvents": [\n${events.map((event) => JSON.stringify(event)).join(",\n")}\n], "displayTimeUnit": "ms"}\n`);
  }

  /** The trace as an object (what `write` writes). */
  toJSON(): ChromeTrace {
    return { traceEvents: this.events(), displayTimeUnit: "ms" };
  }

  /**
   * Builds the events from the records: the only place names, labels and slices are made. Once
   * stopped, the records no longer change, so they are built once however many readers ask (the
   * producer's `--trace` file and its report both do).
   */
  events(): TraceEvent[] {
    if (this.built !== undefined) return this.built;
    const events = new TraceBuilder(this.numbers, this.objects, this.count, this.counterNames, this.options.processName).build();
    if (!this.on) this.built = events;
    return events;
  }
}

let active: TraceRecording | undefined;

/** What the builder knows of one task while it reads the records in order. */
interface TaskTrack {
  name: string | undefined;
  parent: number;
  created: boolean;
  ran: boolean;
  /** The wait under way: what, since when (ns). */
  waitOn: Labelled | undefined;
  waitSince: number;
  /** What it suspended on in the step being recorded (its STEP record comes after). */
  suspendedOn: Labelled | undefined;
  /** Its last step, in ns: where a flow from it starts. */
  stepStart: number;
  stepEnd: number;
  /** Flows that end at its next step: their ids and where they start. */
  flowsIn: { id: number; from: number; at: number }[];
}

class TraceBuilder {
  private readonly pid = process.pid;
  private readonly tasks = new Map<number, TaskTrack>();
  private readonly out: TraceEvent[] = [];
  private flows = 0;

  constructor(
    private readonly numbers: Float64Array,
    private readonly objects: readonly unknown[],
    private readonly count: number,
    private readonly counterNames: readonly string[],
    private readonly processName: string | undefined,
  ) {}

  build(): TraceEvent[] {
    const { numbers, pid } = this;
    let last = 0;
    for (let i = 0; i < this.count; i++) {
      const at = i * FIELDS;
      const kind = numbers[at]!;
      const a = numbers[at + 1]!;
      const b = numbers[at + 2]!;
      const time = ns(numbers[at + 3]!);
      last = Math.max(last, time);
      if (kind === CREATE) {
        const track = this.track(a);
        track.name = this.objects[i] as string | undefined;
        track.parent = b;
        track.created = true;
      } else if (kind === SUSPEND) {
        this.track(a).suspendedOn = this.objects[i] as Labelled | undefined;
      } else if (kind === STEP) {
        this.step(a, ns(b), time);
      } else if (kind === WAKE) {
        const waker = this.track(a);
        const woken = this.track(b);
        this.endWait(b, woken, time);
        // Inside the waker's step (its last nanosecond), so the arrow binds to that slice.
        woken.flowsIn.push({ id: ++this.flows, from: a, at: Math.max(waker.stepStart, waker.stepEnd - 1) });
      } else if (kind === END) {
        const track = this.track(a);
        if (b === 0) this.endWait(a, track, time); // halted while waiting: the wait ends here
        track.flowsIn = []; // it will not run again: arrows to it lead nowhere
      } else if (kind === COUNTER) {
        const name = this.counterNames[a]!;
        this.out.push({ name, ph: "C", pid, ts: us(time), args: { [name]: b } });
      }
    }
    for (const [id, track] of this.tasks) this.endWait(id, track, last); // still waiting at the end
    return [...this.metadata(), ...this.out];
  }

  private track(id: number): TaskTrack {
    let track = this.tasks.get(id);
    if (track === undefined) {
      track = { name: undefined, parent: 0, created: false, ran: false, waitOn: undefined, waitSince: 0, suspendedOn: undefined, stepStart: 0, stepEnd: 0, flowsIn: [] };
      this.tasks.set(id, track);
    }
    return track;
  }

  private step(id: number, start: number, end: number): void {
    const { pid } = this;
    const track = this.track(id);
    this.endWait(id, track, start); // woken by a timer or a socket: its wait lasted until now
    track.ran = true;
    track.stepStart = start;
    track.stepEnd = end;
    this.out.push({ name: "run", cat: "run", ph: "X", pid, tid: id, ts: us(start), dur: us(end - start) });
    for (const flow of track.flowsIn) {
      this.out.push({ name: "wake", cat: "wake", ph: "s", id: flow.id, pid, tid: flow.from, ts: us(flow.at) });
      this.out.push({ name: "wake", cat: "wake", ph: "f", bp: "e", id: flow.id, pid, tid: id, ts: us(start) });
    }
    track.flowsIn = [];
    if (track.suspendedOn !== undefined) {
      track.waitOn = track.suspendedOn;
      track.waitSince = end; // the wait begins where the step that entered it ends: slices never overlap
      track.suspendedOn = undefined;
    }
  }

  private endWait(id: number, track: TaskTrack, at: number): void {
    const on = track.waitOn;
    if (on === undefined) return;
    track.waitOn = undefined;
    const since = Math.min(track.waitSince, at);
    this.out.push({ name: on.label, cat: "wait", ph: "X", pid: this.pid, tid: id, ts: us(since), dur: us(at - since) });
  }

  /** A name for every track: its role, or for an unnamed task whose child it is. Never a bare number. */
  private metadata(): TraceEvent[] {
    const { pid } = this;
    const events: TraceEvent[] = [];
    if (this.processName !== undefined) events.push({ name: "process_name", ph: "M", pid, args: { name: this.processName } });
    for (const [id, track] of this.tasks) {
      if (!track.ran && !track.created) continue;
      events.push({ name: "thread_name", ph: "M", pid, tid: id, args: { name: this.nameOf(id) } });
      events.push({ name: "thread_sort_index", ph: "M", pid, tid: id, args: { sort_index: id } });
    }
    return events;
  }

  private nameOf(id: number): string {
    const track = this.tasks.get(id);
    if (track?.name !== undefined) return track.name;
    if (track === undefined || !track.created) return `task#${id} (started before the trace)`;
    if (track.parent === 0) return `task#${id} (a root)`;
    return `task#${id} (a child of ${this.nameOf(track.parent)})`;
  }
}

/** performance.now() milliseconds as whole nanoseconds: rounding each time once keeps their order. */
function ns(ms: number): number {
  return Math.round(ms * 1e6);
}

/** Nanoseconds as the format's microseconds (three decimals, exact). */
function us(nanoseconds: number): number {
  return nanoseconds / 1000;
}
