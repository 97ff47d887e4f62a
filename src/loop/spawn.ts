import { InlineEffect, success, type Operation, type Resume, type Teardown } from "./effect.js";
import { Coroutine, currentTask, type Task } from "./task.js";

/**
 * Starts a child task and returns it at once; it first runs when the caller next waits. The child
 * never outlives its parent. Its uncaught error goes to whoever waits on it with `yield* child`,
 * or else is thrown into the parent at its current `yield*`. `name` says its role in traces
 * (`DEBUG=loop`, `--trace`): `worker 127.0.0.1:9000`, `stats`.
 *
 * @example
 * const worker = yield* spawn(() => handleTasks(queue), "worker 127.0.0.1:9000");
 * yield* sleep(10);
 * worker.halt();
 */
export function spawn<T>(body: () => Operation<T>, name?: string): Operation<Task<T>> {
  return new Spawn(body, name);
}

/** @internal `spawn` for the loop's own operations (timebox), which need the whole `Coroutine`. */
export function spawnCoroutine<T>(body: () => Operation<T>, name?: string): Operation<Coroutine<T>> {
  return new Spawn(body, name);
}

class Spawn<T> extends InlineEffect<Coroutine<T>> {
  readonly label = "spawn";

  constructor(
    private readonly body: () => Operation<T>,
    private readonly name: string | undefined,
  ) {
    super();
  }

  enter(resume: Resume<Coroutine<T>>): Teardown {
    // `enter` runs inside the parent's step, so the current task is the parent.
    resume(success(new Coroutine(this.body, currentTask(), undefined, this.name)));
    return noop;
  }
}

function noop(): void {}
