import { InlineEffect, success, type Operation, type Resume, type Teardown } from "./effect.js";
import { currentTask, Task } from "./task.js";

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

class Spawn<T> extends InlineEffect<Task<T>> {
  readonly label = "spawn";

  constructor(private readonly body: () => Operation<T>) {
    super();
  }

  enter(resume: Resume<Task<T>>): Teardown {
    // `enter` runs inside the parent's step, so the current task is the parent.
    resume(success(new Task(this.body, currentTask())));
    return noop;
  }
}

function noop(): void {}
