/**
 * The one thing a coroutine hands to the loop: an effect. Everything a task can wait on —
 * a timer, a socket, a queue, another task — is an effect or an operation built from effects.
 */

/** How a wait ended: a value, or an error to throw at the `yield*` that waited. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Undoes what `enter` started (clears a timer, removes a listener, gives back a queue item). */
export type Teardown = () => void;

/** Hands a wait's result back to the loop. Only the first call of a wait counts; later ones are dropped. */
export type Resume<T> = (result: Result<T>) => void;

/**
 * The primitive the loop understands. `enter` starts the work and returns its teardown;
 * `resume` may be called at once (inside `enter`) or later from a Node callback.
 * The teardown runs if and only if the waiting task never receives the result (it was halted,
 * or interrupted by a child's error) — so an effect can give back what it already handed over.
 * `enter` must not throw: a throw there is a bug in the effect, and the loop stops on it.
 */
export interface Effect<T> {
  /** What the task waits on while suspended here, for traces: `sleep(0.5)`, `read 127.0.0.1:9000`. */
  readonly label: string;
  enter(resume: Resume<T>, task: TaskHandle): Teardown;
}

/** The part of a task an effect may see (spawn uses it to find the parent). */
export interface TaskHandle {
  readonly id: number;
}

/**
 * Something a coroutine runs with `const value = yield* operation`. Every `function*` written
 * against the loop is one: it yields effects and returns `T`.
 *
 * @example
 * function* twice(): Operation<number> {
 *   yield* sleep(0.1);
 *   return 2;
 * }
 */
export interface Operation<T> {
  [Symbol.iterator](): Iterator<Effect<unknown>, T, unknown>;
}

export function success<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure(error: unknown): Result<never> {
  return { ok: false, error };
}

/** The shared result of effects that complete with nothing. */
export const DONE: Result<void> = success(undefined);

/**
 * The iterator of one `yield*` on an effect: `next()` yields the effect, `next(value)` returns the
 * value the loop resumed with, `throw` rethrows a failed wait at the caller's `yield*`. One is
 * made for every `yield*`, so an operation holds no state of its own between runs: it can be
 * saved, run twice, or run by two tasks at once.
 */
export class Suspend<T> implements Iterator<Effect<unknown>, T, unknown> {
  private yielded = false;

  constructor(private readonly effect: Effect<T>) {}

  next(value?: unknown): IteratorResult<Effect<unknown>, T> {
    if (this.yielded) return { done: true, value: value as T };
    this.yielded = true;
    return { done: false, value: this.effect };
  }

  throw(error: unknown): IteratorResult<Effect<unknown>, T> {
    throw error; // the loop threw a failed wait in: it surfaces at the caller's `yield*`
  }

  return(value?: unknown): IteratorResult<Effect<unknown>, T> {
    return { done: true, value: value as T }; // halted while suspended here: nothing to clean
  }
}

/**
 * Turns an effect into an operation: each `yield* perform(effect)` enters the effect afresh and
 * suspends until it resumes. Nothing happens before the `yield*`.
 */
export function perform<T>(effect: Effect<T>): Operation<T> {
  return new Performed(effect);
}

class Performed<T> implements Operation<T> {
  constructor(private readonly effect: Effect<T>) {}

  [Symbol.iterator](): Iterator<Effect<unknown>, T, unknown> {
    return new Suspend(this.effect);
  }
}

/**
 * An operation from a generator function: each `yield*` calls `body` afresh, so a saved
 * operation runs again in full (a generator object alone would be spent after one run).
 */
export function operation<T>(body: () => Iterator<Effect<unknown>, T, unknown>): Operation<T> {
  return { [Symbol.iterator]: body };
}

export function isEffect(value: unknown): value is Effect<unknown> {
  return typeof value === "object" && value !== null && typeof (value as Effect<unknown>).enter === "function";
}

/**
 * An effect that is its own operation: `yield* effect` suspends on it once (through a fresh
 * `Suspend`) and returns what the loop resumes it with. Since one object may be waited on by
 * several runs at once, `enter` keeps its per-wait state in what it returns, never on `this`.
 */
export abstract class InlineEffect<T> implements Effect<T>, Operation<T> {
  abstract readonly label: string;
  abstract enter(resume: Resume<T>, task: TaskHandle): Teardown;

  [Symbol.iterator](): Iterator<Effect<unknown>, T, unknown> {
    return new Suspend(this);
  }
}
