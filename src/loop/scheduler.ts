/**
 * The ready queue and the drain loop: the only place generators are stepped from.
 *
 * Node callbacks (timers, sockets) never step a generator; they `schedule` the task, which pushes it
 * onto the ready queue and, if no drain is pending, asks Node for one with `setImmediate`. A drain
 * steps tasks in FIFO order until the queue is empty or a budget of steps is spent, then yields to
 * Node so sockets and timers are served, and continues in the next turn. There is no recursion:
 * however many tasks hand off to each other synchronously, the stack stays flat.
 *
 * Trio runs only the tasks that were ready when a batch began. We run the queue down to a budget
 * instead: with a snapshot, every hand-off between two tasks would cost a full trip through Node's
 * event loop (100× slower in a ping-pong); FIFO order keeps the tasks fair among themselves, and the
 * budget keeps I/O served.
 */
import { LoopBugError } from "./errors.js";
import { Fifo } from "./fifo.js";
import { now, traceStep, traceWoke, tracing, type TracedTask } from "./trace.js";

/** What the scheduler needs of a task. */
export interface Steppable extends TracedTask {
  /** Runs the task until its next wait. Called only by the drain loop. */
  step(): void;
}

/** Steps per drain before Node gets a turn for I/O. */
const STEP_BUDGET = 4096;

const ready = new Fifo<Steppable>();
let drainPending = false;
let crashed: LoopBugError | undefined;

/** Puts a task on the ready queue. Safe to call from any callback: it only enqueues. */
export function schedule(task: Steppable): void {
  if (crashed) return;
  ready.push(task);
  if (!drainPending) {
    drainPending = true;
    setImmediate(drain);
  }
}

function drain(): void {
  drainPending = false;
  for (let budget = STEP_BUDGET; budget > 0; budget--) {
    const task = ready.shift();
    if (task === undefined) return;
    try {
      if (tracing) stepTraced(task);
      else task.step();
    } catch (error) {
      if (error === crashed) throw error; // already reported
      fail(error, `while stepping ${task.describe()}`);
    }
  }
  if (ready.length > 0 && !drainPending) {
    drainPending = true;
    setImmediate(drain);
  }
}

/**
 * A step while someone traces: timed, and the tasks it woke noted. Those are the ones it put on
 * the ready queue, at its back: so finding them costs nothing when nobody traces.
 */
function stepTraced(task: Steppable): void {
  const queued = ready.length;
  const start = now();
  task.step();
  const end = now();
  traceStep(task, start, end);
  for (let i = queued; i < ready.length; i++) traceWoke(task, ready.at(i)!, end);
}

/**
 * An exception inside the loop is a bug: say so loudly, stop stepping anything, and rethrow so
 * the process (or the test runner) sees it. Never swallowed (curio disables its kernel likewise).
 */
export function fail(error: unknown, where: string): never {
  crashed = new LoopBugError(`event loop bug ${where}: ${String(error)}`, { cause: error });
  process.stderr.write(`${crashed.stack ?? crashed.message}\ncaused by: ${(error as Error)?.stack ?? String(error)}\n`);
  ready.drain();
  throw crashed;
}

/** Reports an error that has nobody left to receive it, as an uncaught exception: errors never vanish. */
export function reportUncaught(error: unknown): void {
  setImmediate(() => {
    throw error;
  });
}
