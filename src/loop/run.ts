import type { Operation, Result } from "./effect.js";
import { Coroutine, type Task } from "./task.js";

/**
 * Starts a root task on the loop and returns it at once. `onExit` is called exactly once with the
 * outcome: `{ ok: true, value }`, or `{ ok: false, error }` (a `HaltedError` if it was halted).
 * Without `onExit`, an error of the root is reported as an uncaught exception: errors never vanish.
 *
 * @example
 * run(function* () {
 *   yield* sleep(0.5);
 *   console.log("half a second later");
 * }, (outcome) => process.exit(outcome.ok ? 0 : 1));
 */
export function run<T>(body: () => Operation<T>, onExit?: (outcome: Result<T>) => void): Task<T> {
  return new Coroutine(body, undefined, onExit);
}
