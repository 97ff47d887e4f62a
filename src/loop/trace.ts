/**
 * Observability hooks: with `DEBUG=loop` (or `DEBUG=*`) in the environment, the loop writes a line
 * to stderr when a task is created, suspends (and on what), resumes and finishes, and warns when
 * one step holds the loop for more than 50 ms. Off by default, and then it costs one boolean test.
 */
import { performance } from "node:perf_hooks";

export const tracing = /(^|,)\s*(loop|\*)\s*(,|$)/.test(process.env.DEBUG ?? "");

/** A step longer than this starves every socket and timer: worth a warning. */
export const LONG_STEP_MS = 50;

const started = performance.now();

export function trace(message: string): void {
  process.stderr.write(`[loop +${(performance.now() - started).toFixed(1)}ms] ${message}\n`);
}

export function now(): number {
  return performance.now();
}
