/**
 * For effect authors: the machinery under the public API (`./index.ts`). Programs on the loop do
 * not need it; a new kind of wait does. Most bridges need only `action` (in the public API);
 * write an effect when `action`'s closures per wait cost too much or it must see the task.
 *
 * An effect is `{ label, enter(resume, task) → teardown }`:
 * - `enter` starts the work (a timer, a listener, a place in a queue) and returns the teardown;
 *   it must not throw (a throw there is a loop bug: the loop reports it and stops).
 * - `resume(success(value))` or `resume(failure(error))` hands the result back, at once (inside
 *   `enter`) or later from a Node callback; only the first call of a wait counts, later ones are
 *   dropped. A failure is thrown at the `yield*` that waited.
 * - The teardown runs if and only if the task never receives the result (it was halted, or a
 *   child's error was thrown in instead): it undoes the start, and gives back what was handed over.
 * - An effect may be waited on by several runs at once: keep per-wait state in what `enter`
 *   returns (or in a run object), never on the effect shared by every run.
 *
 * `yield* perform(effect)` runs an effect; an `InlineEffect` is an effect that is its own
 * operation (`yield* effect`). `operation(() => generator)` makes a re-runnable operation out of
 * a generator function.
 *
 * @example
 * const tick: Effect<number> = {
 *   label: "tick",
 *   enter(resume) {
 *     const timer = setTimeout(() => resume(success(Date.now())), 10);
 *     return () => clearTimeout(timer);
 *   },
 * };
 * const now = yield* perform(tick);
 */
export { DONE, failure, InlineEffect, operation, perform, success, Suspend } from "./effect.js";
export type { Effect, Operation, Result, Resume, TaskHandle, Teardown } from "./effect.js";
export { LoopBugError, MisuseError } from "./errors.js";
