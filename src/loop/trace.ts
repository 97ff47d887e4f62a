/**
 * Observability hooks: task created / suspended (on what) / resumed / stepped / woke another /
 * ended. Two things listen to them:
 * - `DEBUG=loop` (or `DEBUG=*`) in the environment: a line on stderr for each, tasks by id and
 *   name (`task#3 (worker 127.0.0.1:9000)`), times rounded (`sleep 0.5 s`), and a warning when
 *   one step holds the loop for more than 50 ms.
 * - a trace recording (recorder.ts, `--trace`): raw numbers into a preallocated buffer.
 *
 * The loop calls these hooks only behind `if (tracing)`: with neither on, tracing costs one
 * boolean test per hook.
 */
import { performance } from "node:perf_hooks";

/** What the hooks need of a task (task.ts's `Coroutine`; an interface, so no import cycle). */
export interface TracedTask {
  readonly id: number;
  readonly name: string | undefined;
  describe(): string;
}

/** What a task waits on: an effect, whose label is read only here, when someone traces. */
export interface Labelled {
  readonly label: string;
}

const debugLoop = /(^|,)\s*(loop|\*)\s*(,|$)/.test(process.env.DEBUG ?? "");

/** True while anything observes the loop. Read on the hot path: keep it a plain boolean. */
export let tracing = debugLoop;

/** What a trace recording is told (recorder.ts). Times are `performance.now()` milliseconds. */
export interface Recorder {
  created(task: TracedTask, parent: TracedTask | undefined): void;
  suspended(task: TracedTask, on: Labelled | undefined): void;
  stepped(task: TracedTask, start: number, end: number): void;
  /** `waker`'s step (ending at `at`) put `woken` on the ready queue. */
  woke(waker: TracedTask, woken: TracedTask, at: number): void;
  /** `inOwnStep`: it ended while running (returned, failed), not halted from outside. */
  ended(task: TracedTask, inOwnStep: boolean): void;
}

let recorder: Recorder | undefined;

/** @internal Starts (or, with `undefined`, stops) sending the hooks to a recording. */
export function setRecorder(next: Recorder | undefined): void {
  recorder = next;
  tracing = debugLoop || next !== undefined;
}

/** A step longer than this starves every socket and timer: worth a warning. */
export const LONG_STEP_MS = 50;

const started = performance.now();

export function trace(message: string): void {
  process.stderr.write(`[loop +${(performance.now() - started).toFixed(1)}ms] ${message}\n`);
}

export function now(): number {
  return performance.now();
}

/** Whether anything observes the loop now: code that costs extra only to be seen (a task per call) asks this. */
export function isTracing(): boolean {
  return tracing;
}

/**
 * Seconds as a person reads them in a label: two significant digits below 10 s, tenths above
 * (`0.49867946499999993` → `0.5`, `0.0125` → `0.013`, `12.345` → `12.3`).
 */
export function roundSeconds(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds === 0) return seconds;
  return Math.abs(seconds) < 10 ? Number(seconds.toPrecision(2)) : Math.round(seconds * 10) / 10;
}

// The hooks. Each is called only when `tracing` is true.

export function traceCreated(task: TracedTask, parent: TracedTask | undefined): void {
  if (debugLoop) trace(`${task.describe()} created${parent ? ` by ${parent.describe()}` : ""}`);
  recorder?.created(task, parent);
}

export function traceSuspended(task: TracedTask, on: Labelled | undefined): void {
  if (debugLoop) trace(`${task.describe()} suspended on ${on?.label ?? "?"}`);
  recorder?.suspended(task, on);
}

export function traceResumed(task: TracedTask, from: Labelled | undefined): void {
  if (debugLoop) trace(`${task.describe()} resumed from ${from?.label ?? "a wait"}`);
}

/** `how`: `returned`, `halted`, or `failed: <the error>`. */
export function traceEnded(task: TracedTask, how: string, inOwnStep: boolean): void {
  if (debugLoop) trace(`${task.describe()} ${how}`);
  recorder?.ended(task, inOwnStep);
}

/** One step of `task` ran from `start` to `end`; a long one gets a warning. */
export function traceStep(task: TracedTask, start: number, end: number): void {
  if (debugLoop && end - start > LONG_STEP_MS) {
    trace(`warning: ${task.describe()} held the loop for ${(end - start).toFixed(1)} ms in one step`);
  }
  recorder?.stepped(task, start, end);
}

/** `waker`'s step, which ended at `at`, scheduled `woken` (a queue put, a join, a spawn). */
export function traceWoke(waker: TracedTask, woken: TracedTask, at: number): void {
  if (waker !== woken) recorder?.woke(waker, woken, at); // a task that let others run woke nobody
}
