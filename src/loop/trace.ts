/**
 * Observability hooks: with `DEBUG=loop` (or `DEBUG=*`) in the environment, the loop writes a line
 * to stderr when a task is created, suspends (and on what), resumes and finishes, and warns when
 * one step holds the loop for more than 50 ms. Tasks appear by id and name (`task#3 (worker
 * 127.0.0.1:9000)`), times rounded (`sleep 0.5 s`).
 *
 * The loop calls these hooks only behind `if (tracing)`: off by default, tracing costs one
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
export const tracing = debugLoop;

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
}

export function traceSuspended(task: TracedTask, on: Labelled | undefined): void {
  if (debugLoop) trace(`${task.describe()} suspended on ${on?.label ?? "?"}`);
}

export function traceResumed(task: TracedTask, from: Labelled | undefined): void {
  if (debugLoop) trace(`${task.describe()} resumed from ${from?.label ?? "a wait"}`);
}

/** `how`: `returned`, `halted`, or `failed: <the error>`. */
export function traceEnded(task: TracedTask, how: string): void {
  if (debugLoop) trace(`${task.describe()} ${how}`);
}

/** Runs one step of `task`, warning when it held the loop too long. */
export function traceStep(task: TracedTask & { step(): void }): void {
  const start = now();
  task.step();
  const took = now() - start;
  if (debugLoop && took > LONG_STEP_MS) {
    trace(`warning: ${task.describe()} held the loop for ${took.toFixed(1)} ms in one step`);
  }
}
