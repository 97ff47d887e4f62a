import { failure, operation, perform, success, type Effect, type Operation, type Result } from "./effect.js";
import { checkSeconds, HaltedError, TimeoutError } from "./errors.js";
import { spawnCoroutine } from "./spawn.js";

/** The outcome of `timebox`: for a caller that treats running out of time as a normal outcome. */
export type Timeboxed<T> = { readonly timedOut: true } | { readonly timedOut: false; readonly value: T };

/**
 * Runs `op` in a child task for at most `seconds`. If time runs out, the child is halted (its
 * `finally` blocks run) and the result is `{ timedOut: true }`; an error of `op` is rethrown.
 * Each timebox owns its timer and its child, so nested ones never take each other's expiry:
 * an outer expiry halts the inner timebox, it does not time it out.
 *
 * @example
 * const reply = yield* timebox(2, client.call("system ping"));
 * if (reply.timedOut) log("no answer within 2 s");
 */
export function timebox<T>(seconds: number, op: Operation<T>): Operation<Timeboxed<T>> {
  return operation(() => runTimebox(seconds, op));
}

function* runTimebox<T>(seconds: number, op: Operation<T>): Iterator<Effect<unknown>, Timeboxed<T>, unknown> {
  const ms = checkSeconds(seconds, "timebox");
  const child = yield* spawnCoroutine(() => op);
  return yield* perform<Timeboxed<T>>({
    label: `timebox(${seconds}) of ${child.describe()}`,
    enter(resume) {
      const timer = setTimeout(() => {
        unwatch();
        child.halt();
        resume(success({ timedOut: true }));
      }, ms);
      let handedError: { error: unknown } | undefined;
      const unwatch = child.join((outcome: Result<T>, halted: boolean) => {
        clearTimeout(timer);
        if (halted) resume(failure(new HaltedError(`${child.describe()} was halted`)));
        else if (outcome.ok) resume(success({ timedOut: false, value: outcome.value }));
        else {
          handedError = { error: outcome.error };
          resume(outcome);
        }
      });
      return () => {
        clearTimeout(timer);
        unwatch();
        if (handedError) child.redeliver(handedError.error); // halted before it could receive it
      };
    },
  });
}

/**
 * Runs `op`; if it is not done within `seconds` it is cancelled (its `finally` blocks run) and a
 * `TimeoutError` is thrown at the caller's `yield*`.
 *
 * @example
 * try {
 *   const reply = yield* withTimeout(2, client.call("system ping"));
 * } catch (error) {
 *   if (error instanceof TimeoutError) markDown();
 * }
 */
export function withTimeout<T>(seconds: number, op: Operation<T>, what = "operation"): Operation<T> {
  return operation(() => runWithTimeout(seconds, op, what));
}

function* runWithTimeout<T>(seconds: number, op: Operation<T>, what: string): Iterator<Effect<unknown>, T, unknown> {
  const result = yield* timebox(seconds, op);
  if (result.timedOut) throw new TimeoutError(seconds, what);
  return result.value;
}
