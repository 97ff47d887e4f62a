import { InlineEffect, success, type Operation, type Resume, type Teardown } from "./effect.js";
import { Coroutine, currentTask, type Task } from "./task.js";

/**
 * Starts a child task and returns it at once; it first runs when the caller next waits. The child
 * never outlives its parent. Its uncaught error goes to whoever waits on it with `yield* child`,
 * or else is thrown into the parent at its current `yield*`.
 *
 * @example
 * const worker = yield* spawn(() => handleTasks(queue));
 * yield* sleep(10);
 * worker.halt();
 */
export function spawn<T>(body: () => Operation<T>): Operation<Task<T>> {
  return new Spawn(body);
}

/** @internal `spawn` for the loop's own operations (timebox), which need the whole `Coroutine`. */
export function spawnCoroutine<T>(body: () => Operation<T>): Operation<Coroutine<T>> {
  return new Spawn(body);
}

class Spawn<T> extends InlineEffect<Coroutine<T>> {
  readonly label = "spawn";

  constructor(private readonly body: () => Operation<T>) {
    super();
  }

  enter(resume: Resume<Coroutine<T>>): Teardown {
    // `enter` runs inside the parent's step, so the current task is the parent.
    resume(success(new Coroutine(this.body, currentTask())));
    return noop;
  }
}

function noop(): void {}
