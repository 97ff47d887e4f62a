import type { Operation } from "./effect.js";
import { checkSeconds } from "./errors.js";
import { keepShape, Wait } from "./wait.js";

/**
 * Suspends the caller for `seconds`; other tasks run meanwhile. `sleep(0)` just lets them run.
 *
 * @example
 * yield* sleep(0.5);
 */
export function sleep(seconds: number): Operation<void> {
  return new Sleep(seconds, checkSeconds(seconds, "sleep"));
}

/** A `Wait` (wait.ts): one object and one timer per sleep, so 100,000 sleeping tasks stay small. */
class Sleep extends Wait<void> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly seconds: number,
    private readonly ms: number,
  ) {
    super();
  }

  get label(): string {
    return `sleep(${this.seconds})`;
  }

  protected attempt(): boolean {
    return false; // even sleep(0) waits for its timer: it lets the other tasks run
  }

  start(): void {
    // The timer passes this object to a shared function: no closure per sleep.
    this.timer = setTimeout(wakeSleeper, this.ms, this);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }

  /** @internal the timer fired */
  ring(): void {
    this.timer = undefined;
    this.task!.wake(this.token, undefined);
  }

  protected fresh(): Sleep {
    return new Sleep(this.seconds, this.ms);
  }
}

function wakeSleeper(sleep: Sleep): void {
  sleep.ring();
}

keepShape(new Sleep(0, 0)); // so that a full GC never drops its shape (see keepShape)
