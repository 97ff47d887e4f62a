import { DONE, InlineEffect, type Operation, type Resume, type Teardown } from "./effect.js";
import { checkSeconds } from "./errors.js";

/**
 * Suspends the caller for `seconds`; other tasks run meanwhile. `sleep(0)` just lets them run.
 *
 * @example
 * yield* sleep(0.5);
 */
export function sleep(seconds: number): Operation<void> {
  return new Sleep(seconds, checkSeconds(seconds, "sleep"));
}

/** A class rather than `perform({ … })`: 100,000 sleeping tasks should cost little memory. */
class Sleep extends InlineEffect<void> {
  constructor(
    private readonly seconds: number,
    private readonly ms: number,
  ) {
    super();
  }

  get label(): string {
    return `sleep(${this.seconds})`;
  }

  enter(resume: Resume<void>): Teardown {
    const timer = setTimeout(resume, this.ms, DONE);
    return () => clearTimeout(timer);
  }
}
