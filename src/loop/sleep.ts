import { DONE, perform, type Operation } from "./effect.js";
import { checkSeconds } from "./errors.js";

/**
 * Suspends the caller for `seconds`; other tasks run meanwhile. `sleep(0)` just lets them run.
 *
 * @example
 * yield* sleep(0.5);
 */
export function sleep(seconds: number): Operation<void> {
  const ms = checkSeconds(seconds, "sleep");
  return perform<void>({
    label: `sleep(${seconds})`,
    enter(resume) {
      const timer = setTimeout(resume, ms, DONE);
      return () => clearTimeout(timer);
    },
  });
}
