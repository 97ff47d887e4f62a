import type { Effect, Operation, Resume, TaskHandle, Teardown } from "./effect.js";
import { LoopBugError } from "./errors.js";
import type { Coroutine } from "./task.js";

/**
 * The loop's own waits (queue get and put, sleep) on the fast path. A `Wait` is one object that
 * is at once the operation (`queue.get()` returns it), the iterator of its `yield*`, and the
 * effect the task waits on; and it is resumed by a direct call, `task.wake(token, value)`.
 * Compared with an effect behind `perform`, that saves per wait: an iterator object, a `resume`
 * closure, a teardown closure and a `Result` — on a hand-off between two tasks, most of the loop's
 * own cost. The guarantees are the task's, unchanged: the token still drops a stale wake, and
 * `cancel` is the teardown.
 *
 * Lazy and re-runnable, like every operation: nothing happens until the first `next()`, which
 * either completes at once (`attempt`: an item is there, there is room) or yields the wait. The
 * object serves as its own first run; a second run (or one while the first still waits) gets a
 * `fresh()` copy, so a saved operation runs afresh each time and two runs never share state.
 */
export abstract class Wait<T> implements Effect<T>, Operation<T>, Iterator<Effect<unknown>, T, unknown> {
  // Made per wait, so its construction counts. Measured on Node 20 (ping-pong, CPU time): with
  // class-field initializers here the constructors took ~15 % of the time; assigned in the
  // constructor, as below, ping-pong got ~25 % faster. (Doing the same in the subclasses made it
  // 10× slower — measured, not understood — so they keep ordinary fields.)

  /** The waiting task and the token of its wait: set by the task as it enters the wait. */
  declare task: Coroutine<unknown> | undefined;
  declare token: number;
  // A Wait is also the iterator result its `next()` returns — `{ done: false, value: this }` to
  // suspend, `{ done: true, value }` once resumed: two objects fewer per wait.
  declare done: boolean;
  declare value: unknown;
  private declare started: boolean;

  constructor() {
    this.task = undefined;
    this.token = 0;
    this.done = false;
    this.value = undefined;
    this.started = false;
  }

  /** What the task waits on, for traces (`tasks.get`, `sleep(0.5)`). */
  abstract readonly label: string;

  /**
   * The first step of a run: if it completes without waiting, it stores its result in `value`
   * and returns true; else it returns false and the task waits.
   */
  protected abstract attempt(): boolean;
  /** Starts waiting; the wait ends with `this.task.wake(this.token, value)` (at once is allowed). */
  abstract start(): void;
  /** Undoes `start` when the task will not receive the result (halted, or a child's error came first). */
  abstract cancel(): void;
  /** A new, unstarted run of the same operation. */
  protected abstract fresh(): Wait<T>;

  [Symbol.iterator](): Iterator<Effect<unknown>, T, unknown> {
    return this.started ? this.fresh() : this;
  }

  next(resumed?: unknown): IteratorResult<Effect<unknown>, T> {
    if (this.started) {
      this.value = resumed; // resumed: the wait's value is the `yield*`'s
    } else {
      this.started = true;
      if (!this.attempt()) {
        this.value = this; // yield this wait to the task
        return this as unknown as IteratorResult<Effect<unknown>, T>; // a Wait is its own result (above)
      }
    }
    this.done = true;
    return this as unknown as IteratorResult<Effect<unknown>, T>;
  }

  throw(error: unknown): IteratorResult<Effect<unknown>, T> {
    throw error; // a failed wait (or a child's error) surfaces at the caller's `yield*`
  }

  return(value?: unknown): IteratorResult<Effect<unknown>, T> {
    return { done: true, value: value as T }; // halted while waiting: `cancel` did the cleanup
  }

  /** Never called: a task enters a `Wait` through `start`. Here so that a `Wait` is an `Effect`. */
  enter(_resume: Resume<T>, task: TaskHandle): Teardown {
    throw new LoopBugError(`wait "${this.label}" was entered as a plain effect by task#${task.id}`);
  }
}

/**
 * Keeps `object` alive for the life of the process, so that V8 keeps its shape. V8 holds the way
 * to an object shape (a hidden class) weakly: a full GC that finds no object of that shape drops
 * it, and every optimized function that knew the shape is thrown away and warmed up again. Waits
 * live for microseconds, and between two bursts of work no task may be alive at all: without one
 * object of each hot class kept, a burst after a full GC took ~40 % more CPU (a million hand-offs
 * through a queue, docs/BENCHMARKS.md §1). One small object per class; nothing else is kept.
 */
export function keepShape(object: object): void {
  shapeKeepers.push(object);
}

const shapeKeepers: object[] = [];
