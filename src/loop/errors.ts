/** What `yield* task` throws when `task` was halted. Being halted is never a failure of the parent. */
export class HaltedError extends Error {
  override readonly name = "HaltedError";
}

/**
 * Thrown at the `yield*` of the `withTimeout` whose own time ran out (never at an outer one), and
 * at a wait on a connection whose `connect(…, { deadline })` ran out.
 */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor(
    /** The limit that ran out, in seconds. */
    readonly seconds: number,
    /** What was cut short. */
    readonly operation: string,
  ) {
    super(`${operation} timed out after ${seconds} s`);
  }
}

/** A task yielded something the loop cannot run: a bare `yield` instead of `yield*`, or a yield inside `finally` during a halt. */
export class MisuseError extends TypeError {
  override readonly name = "MisuseError";
}

/** An exception inside the loop itself (an effect's `enter` threw). The loop reports it and stops. */
export class LoopBugError extends Error {
  override readonly name = "LoopBugError";
}

/** Checks a duration given in seconds, the unit of the whole API. */
export function checkSeconds(seconds: number, what: string): number {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`${what}: seconds must be a finite number >= 0, got ${String(seconds)}`);
  }
  return seconds * 1000;
}
