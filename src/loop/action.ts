import { failure, perform, success, type Operation } from "./effect.js";

/**
 * The bridge from callbacks to the loop. `setup(resolve, reject)` starts the work and returns a
 * teardown, which the loop calls if the waiting task is cancelled before it gets the result.
 * Only the first `resolve` or `reject` counts. A throw in `setup` is thrown at the caller's `yield*`.
 *
 * @example
 * const line = yield* action<string>("read stdin", (resolve) => {
 *   process.stdin.once("data", (chunk) => resolve(String(chunk)));
 *   return () => process.stdin.pause();
 * });
 */
export function action<T>(
  label: string,
  setup: (resolve: (value: T) => void, reject: (error: unknown) => void) => () => void,
): Operation<T> {
  return perform<T>({
    label,
    enter(resume) {
      try {
        return setup(
          (value) => resume(success(value)),
          (error) => resume(failure(error)),
        );
      } catch (error) {
        resume(failure(error));
        return noop;
      }
    },
  });
}

function noop(): void {}
