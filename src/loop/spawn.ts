import { perform, success, type Operation } from "./effect.js";
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
  return perform({
    label: "spawn",
    enter(resume) {
      // `enter` runs inside the parent's step, so the current task is the parent.
      resume(success(new Task(body, currentTask())));
      return noop;
    },
  });
}

function noop(): void {}
