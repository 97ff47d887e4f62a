/**
 * Tasks: the heart of the loop. Read this header first; the rest of `src/loop/` is library code.
 *
 * ## How a task runs
 * A task runs one generator. Stepping it (`next`/`throw`) runs the coroutine until it yields an
 * effect — `yield* sleep(0.5)` ends in `yield { label: "sleep 0.5 s", enter }`. The task then calls
 * `effect.enter(resume)`, which starts the work (a timer, a socket listener, a queue wait) and
 * returns a teardown, and the task is suspended. When the work is done, a Node callback calls
 * `resume(result)`; that only marks the task ready and puts it on the scheduler's ready queue
 * (see scheduler.ts). The drain loop steps it later, sending the value in with `next(value)` or
 * throwing the error in with `throw(error)`. If `enter` resumes at once (a queue that has an item,
 * a task already done), the task simply keeps running in the same step.
 *
 * Each wait gets a token. A resume whose token is stale (a timer that fires after a halt, a second
 * socket event) is dropped: every wait is resumed exactly once.
 *
 * Structure (as effection and trio): a task spawned by another is its child. `halt()` halts the
 * children first, tears down the pending wait, then calls the generator's `return()` so its
 * `finally` blocks run. A parent that ends halts its unfinished children.
 *
 * ## Where errors go (they never vanish)
 * 1. **A failed wait** (a socket error, `TimeoutError`, a rejected `action`) is thrown into the
 *    generator at the very `yield*` that waited, where a `try/catch` works as a reader expects.
 * 2. **A task fails** when its generator throws. Its error then goes, at once, to exactly one place:
 *    - to **the tasks joining it** (`yield* task`, and `timebox`/`withTimeout` around its body),
 *      thrown at each one's `yield*`. A joiner halted before it received the error hands it on
 *      (see `redeliver`): once no joiner is left to receive it, it goes where it would have gone
 *      with none. Joining a task that already failed rethrows its error too.
 *    - with no joiner, to **its parent, at the parent's current `yield*`**: the parent's pending
 *      wait is torn down and the error thrown in there (or at its next yield, if it is running).
 *      A parent that catches it goes on; one that does not fails in turn, and so on upwards.
 *    - a root task (from `run`): its **`onExit`** is always told its outcome, error included; a
 *      root with neither `onExit` nor joiner **reports it as uncaught** (thrown from a
 *      `setImmediate`: the process crashes loudly).
 *    `watch()` only observes: a watcher is told the outcome, but never takes the error away from
 *    its joiners or parent.
 * 3. **Being halted is not failing.** A halted task's joiners get a `HaltedError`; its parent is
 *    told nothing.
 * 4. **Errors that can no longer be thrown in** fail the task that ends: a child's error arriving
 *    while its parent is halting or finishing, or a teardown that throws. Several together end the
 *    task as one `AggregateError` (its own error first). Two children's errors in one turn are
 *    thrown in one per yield, none dropped.
 * 5. **A bug in the loop** (an effect's `enter` threw) is not a task's error: the loop reports it
 *    as a `LoopBugError` and stops (scheduler.ts).
 *
 * ## The fast paths, and why they keep every guarantee
 * A hand-off between two tasks through a `Queue` is the loop's hottest path (issue 16,
 * docs/BENCHMARKS.md §1), so it is built to allocate little and call little:
 * - **Waits** (wait.ts): a queue `get`/`put` or a `sleep` is one object — the operation, the
 *   iterator of its `yield*`, the effect, and the iterator result. The task hands it itself and
 *   the wait's token, and it ends with `task.wake(token, value)`: no `resume` closure, no teardown
 *   closure, no `Result`. `wake` checks the token as the closure would, so a stale wake is still
 *   dropped, and the Wait's `cancel` is the teardown. Other effects take the general path
 *   (`enter`, with a closure that carries the token).
 * - **Completing without suspending**: a `get` with an item, or a `put` with room, finishes in its
 *   first `next()` and the generator goes on without the task seeing a wait at all; an effect
 *   that resumes inside `enter` keeps the step going, up to `SYNC_RESUME_BUDGET` (fairness).
 * - **No `Result` per resume**: what the next step sends in is two fields (`resumeKind`,
 *   `resumeValue`); a `Result` is made only for an effect author's `resume` and for the outcome.
 * - **Cold paths out of `run`**: a child's error, a bare yield, the general effect path and the
 *   trace are one cheap test each in the loop, their work in methods of their own.
 *
 * ## Tracing
 * The loop reports each task's life (created, suspended on what, resumed, ended; and in
 * scheduler.ts each step and whom it woke) to trace.ts, always behind `if (tracing)`: with
 * nobody watching that is one predictable branch; `DEBUG=loop` prints it, `--trace` records raw
 * numbers of it (recorder.ts) and makes the Chrome trace at the end.
 *
 * `finally` blocks must be synchronous: during a halt the generator is being closed by `return()`,
 * and a `yield*` there would suspend a generator that is supposed to be finishing — its cleanup
 * would either leak (never resumed) or be cut short. The loop refuses such a yield with a
 * `MisuseError`. Cleanup that must wait belongs in a task of its own.
 */
import {
  failure,
  isEffect,
  type Effect,
  type Operation,
  type Result,
  type TaskHandle,
  type Teardown,
} from "./effect.js";
import { HaltedError, MisuseError } from "./errors.js";
import { fail, reportUncaught, schedule, type Steppable } from "./scheduler.js";
import { keepShape, Wait } from "./wait.js";
import { traceCreated, traceEnded, traceResumed, traceSuspended, tracing } from "./trace.js";

// A task's state, as small integers: compared on every step and every wake.
const READY = 0;
const RUNNING = 1;
const WAITING = 2;
const DONE = 3;
type State = typeof READY | typeof RUNNING | typeof WAITING | typeof DONE;

// What the next step sends in: nothing, a value (`next(value)`) or an error (`throw(error)`).
// Kept as two fields on the task, not as a `Result` object: no allocation per resume.
const NOTHING = 0;
const VALUE = 1;
const ERROR = 2;
type ResumeKind = typeof NOTHING | typeof VALUE | typeof ERROR;

/** Told once when a task ends; `halted` is true when it was halted rather than finished. */
export type Watcher<T> = (outcome: Result<T>, halted: boolean) => void;

/**
 * How many waits a task may satisfy at once (an item already in a queue, a task already done)
 * before it goes back to the end of the ready queue, so one busy task cannot starve the others.
 */
const SYNC_RESUME_BUDGET = 64;

let nextId = 1;
/** The task whose generator is executing right now, if any. */
let current: Coroutine<unknown> | undefined;
/** Halts asked for from inside a generator that they would close; done once it has yielded. */
const deferredHalts: Coroutine<unknown>[] = [];
/** How many halts are under way (nested: children first). Deferred halts wait until none is. */
let haltsUnderWay = 0;

/**
 * A running coroutine, as its users see it (PROTOCOL.md §5). It is itself an operation:
 * `yield* task` waits for its value, or rethrows its error (a `HaltedError` when it was halted).
 *
 * @example
 * const child = yield* spawn(() => fetchAll());
 * yield* sleep(1);
 * child.halt();
 */
export interface Task<T> extends Operation<T> {
  readonly id: number;
  /** Its role, as given to `spawn` or `run` (`payload`, `worker 127.0.0.1:9000`); traces show it. */
  readonly name: string | undefined;
  /** True once the task has finished, failed or been halted. */
  readonly done: boolean;
  /** What the task is waiting on now (`sleep 0.5 s`, `read 127.0.0.1:9000`), or how it ended. */
  readonly label: string;
  /**
   * Cancels the task: its children are halted first, its pending wait is torn down, then its
   * `finally` blocks run. Halting a task that is done does nothing.
   */
  halt(): void;
  /**
   * Calls `watcher` once when the task ends. Watching never takes the task's error: only
   * `yield* task` does. Returns the unwatch.
   */
  watch(watcher: Watcher<T>): () => void;
}

/**
 * The loop's implementation of a {@link Task}: the generator, its wait, its children, and where
 * its outcome goes. Internal to `src/loop/`; users hold it as a `Task`.
 */
export class Coroutine<T> implements Task<T>, Steppable, TaskHandle {
  readonly id = nextId++;

  private state: State = READY;
  private iterator: Iterator<Effect<unknown>, T, unknown> | undefined;
  /** The effect it waits on (or last waited on); its label is read only when someone asks. */
  private waitingOn: Effect<unknown> | undefined;
  // Made when first needed: most tasks have no children and at most one joiner, and a Set
  // costs more memory than the rest of a task (100,000 sleeping tasks must stay small).
  private children: Set<Coroutine<unknown>> | undefined;
  /** Who joined it (`yield* task`, timebox): they own its error. Internal to the loop. */
  private joiners: Set<Watcher<T>> | undefined;
  /** Who only watches it: told how it ended, never owners of its error. */
  private watchers: Set<Watcher<T>> | undefined;
  private waitToken = 0;
  /** Undoes the pending wait if the task will not receive its result: a teardown, or a Wait's cancel. */
  private undo: Teardown | Wait<unknown> | undefined;
  /** What the next step sends in (see ResumeKind). */
  private resumeKind: ResumeKind = NOTHING;
  private resumeValue: unknown;
  /** True while `enter` runs, so a resume from inside it continues the step instead of scheduling. */
  private entering = false;
  /** Set once the task is ending (halting or finishing): from then on, children's errors are collected. */
  private closing = false;
  private cleanupErrors: unknown[] | undefined; // made when first needed, as are the next ones
  /** Children's errors not yet thrown into this task; each is thrown at one of its next yields. */
  private childErrors: unknown[] | undefined;
  /** True when the pending resume is "throw the next child error" (its wait was undone for it). */
  private interrupted = false;
  private outcome: Result<T> | undefined;
  private halted = false;
  /** Made when the task fails and joiners are handed its error: who holds it (see redeliver). */
  private errorHandoff: { holders: number; drops: number; delivered: boolean } | undefined;

  constructor(
    private readonly body: () => Operation<T>,
    private readonly parent: Coroutine<unknown> | undefined,
    private readonly onExit: ((outcome: Result<T>) => void) | undefined,
    /** Its role, for traces (`worker 127.0.0.1:9000`); see `Task.name`. */
    readonly name: string | undefined,
  ) {
    // The first task is kept, so that a full GC with no task alive never drops the shape (see keepShape).
    if (this.id === 1) keepShape(this);
    if (parent !== undefined) (parent.children ??= new Set()).add(this as Coroutine<unknown>);
    if (tracing) traceCreated(this, parent);
    schedule(this);
  }

  /** True once the task has finished, failed or been halted. */
  get done(): boolean {
    return this.state === DONE;
  }

  /** What the task is waiting on now (`sleep 0.5 s`, `read 127.0.0.1:9000`), or how it ended. */
  get label(): string {
    if (this.state === DONE) return this.halted ? "halted" : this.outcome?.ok ? "returned" : "failed";
    if (this.state === RUNNING) return "running";
    return this.waitingOn?.label ?? "created";
  }

  /** `task#3`, or with a name `task#3 (worker 127.0.0.1:9000)`: how logs, traces and errors say it. */
  describe(): string {
    return this.name === undefined ? `task#${this.id}` : `task#${this.id} (${this.name})`;
  }

  *[Symbol.iterator](): Iterator<Effect<unknown>, T, unknown> {
    return (yield joinEffect(this)) as T;
  }

  /**
   * Cancels the task: its children are halted first, its pending wait is torn down, then its
   * `finally` blocks run. Halting a task that is done does nothing. Called from inside the task
   * (or a descendant) it takes effect as soon as the running generator yields.
   */
  halt(): void {
    if (this.state === DONE || this.closing) return;
    if (current !== undefined && this.isAncestorOf(current)) {
      deferredHalts.push(this as Coroutine<unknown>);
      return;
    }
    this.close();
    runDeferredHalts();
  }

  /**
   * Calls `watcher` once when the task ends (at once if it already has). Returns the unwatch.
   * Watching never takes the task's error: it still goes to a joiner, or else to the parent
   * (or `onExit`), exactly as if nobody watched. Only `yield* task` receives an error.
   */
  watch(watcher: Watcher<T>): () => void {
    if (this.outcome !== undefined) {
      callWatcher(watcher, this.outcome, this.halted);
      return noop;
    }
    const watchers = (this.watchers ??= new Set());
    watchers.add(watcher);
    return () => watchers.delete(watcher);
  }

  /**
   * @internal For the loop's own joins (`yield* task`, timebox) only: like `watch`, but the
   * joiner takes the error over — it must throw it at its `yield*`, or hand it back with
   * `redeliver` if it is cancelled first. Not part of the public `Task`.
   */
  join(joiner: Watcher<T>): () => void {
    if (this.outcome !== undefined) {
      if (this.errorHandoff !== undefined) this.errorHandoff.holders++; // a copy for a late joiner
      joiner(this.outcome, this.halted);
      return noop;
    }
    const joiners = (this.joiners ??= new Set());
    joiners.add(joiner);
    return () => joiners.delete(joiner);
  }

  /** Runs the generator until it waits or ends. Called only by the scheduler's drain loop. */
  step(): void {
    if (this.state !== READY) return; // halted while on the ready queue
    this.state = RUNNING;
    current = this as Coroutine<unknown>;
    try {
      this.run();
    } finally {
      current = undefined;
      if (deferredHalts.length > 0) runDeferredHalts();
    }
  }

  /**
   * The hot loop: send in what the last wait gave, and enter the next wait the generator yields.
   * A wait that completes at once (an item in the queue) continues the loop in the same step, up
   * to a budget. Everything rare (a child's error, a bare yield, tracing) is one cheap test here
   * and its work elsewhere.
   */
  private run(): void {
    let kind: ResumeKind = this.resumeKind;
    let value = this.resumeValue;
    if (this.interrupted) {
      this.interrupted = false;
      kind = ERROR;
      value = this.childErrors!.shift();
    }
    this.resumeKind = NOTHING;
    this.resumeValue = undefined;
    this.undo = undefined;
    if (tracing && this.iterator) traceResumed(this, this.waitingOn);
    for (let syncResumes = 0; ; syncResumes++) {
      let next: IteratorResult<unknown, T>;
      try {
        if (this.iterator === undefined) next = this.start();
        else if (kind === ERROR) next = this.iterator.throw!(value);
        else next = this.iterator.next(value);
      } catch (error) {
        this.finish(failure(error));
        return;
      }
      if (next.done === true) {
        this.finish({ ok: true, value: next.value });
        return;
      }
      if (this.childErrors !== undefined && this.childErrors.length > 0) {
        kind = ERROR; // a child failed while this task ran: thrown in at this yield instead
        value = this.childErrors.shift();
        continue;
      }
      if (!this.wait(next.value)) return; // suspended until something wakes it
      // Resumed at once: keep going, unless this task has had its share or a halt waits.
      if (syncResumes >= SYNC_RESUME_BUDGET || deferredHalts.length > 0) {
        schedule(this);
        return;
      }
      kind = this.resumeKind;
      value = this.resumeValue;
      this.resumeKind = NOTHING;
      this.resumeValue = undefined;
      this.undo = undefined;
      this.state = RUNNING;
    }
  }

  private start(): IteratorResult<unknown, T> {
    this.iterator = this.body()[Symbol.iterator]();
    return this.iterator.next();
  }

  /**
   * Enters what the generator yielded; returns true if it resumed the task at once. The loop's
   * own waits (a `Wait`: queue get and put, sleep) are handed the task and the wait's token and
   * call `wake` directly; any other effect gets a `resume` closure that carries the token.
   */
  private wait(yielded: unknown): boolean {
    const token = ++this.waitToken;
    this.state = WAITING;
    this.entering = true;
    if (yielded instanceof Wait) {
      this.waitingOn = yielded;
      yielded.task = this as Coroutine<unknown>;
      yielded.token = token;
      this.undo = yielded;
      try {
        yielded.start();
      } catch (error) {
        fail(error, `in start() of wait "${yielded.label}" for ${this.describe()}`);
      } finally {
        this.entering = false;
      }
    } else {
      this.enter(yielded, token);
    }
    if (this.resumeKind === NOTHING) {
      if (tracing) traceSuspended(this, this.waitingOn);
      return false;
    }
    return true;
  }

  /** Enters an effect of any other kind (or refuses what is not one): the general, slower path. */
  private enter(yielded: unknown, token: number): void {
    if (!isEffect(yielded)) {
      this.entering = false;
      this.state = READY;
      this.resumeKind = ERROR;
      this.resumeValue = new MisuseError(`${this.describe()} yielded ${show(yielded)}; write yield* with an operation, never a bare yield`);
      return;
    }
    this.waitingOn = yielded;
    let teardown: Teardown;
    try {
      teardown = yielded.enter((result) => {
        if (result.ok) this.wake(token, result.value);
        else this.wakeWithError(token, result.error);
      }, this);
    } catch (error) {
      fail(error, `in enter() of effect "${yielded.label}" for ${this.describe()}`);
    } finally {
      this.entering = false;
    }
    // Kept even when `enter` resumed at once: a task halted before its next step never received
    // the result, and the teardown gives it back (a queue item goes back to the queue).
    this.undo = teardown;
  }

  /**
   * @internal Resumes the wait `token` with `value`: the task is stepped from the ready queue (or,
   * woken inside `enter`/`start`, goes on in the same step). A stale or second wake is dropped.
   */
  wake(token: number, value: unknown): void {
    if (token !== this.waitToken || this.state !== WAITING) return;
    this.resumeKind = VALUE;
    this.resumeValue = value;
    this.state = READY;
    if (!this.entering) schedule(this);
  }

  /** @internal As `wake`, with an error to throw at the `yield*` that waited. */
  wakeWithError(token: number, error: unknown): void {
    if (token !== this.waitToken || this.state !== WAITING) return;
    this.resumeKind = ERROR;
    this.resumeValue = error;
    this.state = READY;
    if (!this.entering) schedule(this);
  }

  /**
   * Throws a child's error into this task at its current `yield*`, tearing down what it waited on
   * (a result it had not received yet is undone too). Errors that arrive while it runs, or while
   * another one is on its way in, are thrown at its next yields, one each: none is dropped.
   */
  private interrupt(error: unknown): void {
    if (this.closing) {
      (this.cleanupErrors ??= []).push(error);
      return;
    }
    (this.childErrors ??= []).push(error);
    if (this.state === RUNNING || this.interrupted) return;
    const wasReady = this.state === READY;
    this.waitToken++;
    this.runTeardown();
    this.resumeKind = NOTHING;
    this.resumeValue = undefined;
    this.interrupted = true;
    this.state = READY;
    if (!wasReady) schedule(this);
  }

  /**
   * Called from the teardown of a joiner that was handed this task's error, when the joiner's
   * task is halted (or interrupted) before receiving it. Once every joiner handed the error has
   * dropped it so, it goes where it would have gone with no joiner: to the parent. If the parent
   * is done too, it is thrown, and the teardown's throw becomes the halted joiner's own error
   * (see runTeardown). While another holder may still receive it, or once it went to the parent,
   * dropping a copy loses nothing: an error is never delivered twice.
   */
  redeliver(error: unknown): void {
    const handoff = this.errorHandoff!; // set when this task failed: only then is an error handed
    if (++handoff.drops < handoff.holders || handoff.delivered) return;
    handoff.delivered = true;
    if (this.parent !== undefined && !this.parent.done) this.parent.interrupt(error);
    else throw error;
  }

  private isAncestorOf(task: Coroutine<unknown>): boolean {
    for (let t: Coroutine<unknown> | undefined = task; t !== undefined; t = t.parent) {
      if (t === (this as Coroutine<unknown>)) return true;
    }
    return false;
  }

  /** Halts the task now: children first, then the pending wait, then the generator's `finally` blocks. */
  private close(): void {
    haltsUnderWay++;
    try {
      this.closing = true;
      this.waitToken++; // whatever was on its way in is now stale
      // Children's errors that never got thrown in must not vanish with the halt.
      if (this.childErrors !== undefined) (this.cleanupErrors ??= []).push(...this.childErrors.splice(0));
      this.haltChildren();
      this.runTeardown();
      if (this.iterator !== undefined) this.returnGenerator(this.iterator);
    } finally {
      haltsUnderWay--;
    }
    const error = combine(this.cleanupErrors ?? []);
    this.settle(error === undefined ? haltedOutcome(this as Coroutine<unknown>) : failure(error), error === undefined);
  }

  private runTeardown(): void {
    const undo = this.undo;
    this.undo = undefined;
    if (undo === undefined) return;
    try {
      if (typeof undo === "function") undo();
      else undo.cancel();
    } catch (error) {
      (this.cleanupErrors ??= []).push(error);
    }
  }

  /** Runs `finally` blocks. A yield there is refused: cleanup during a halt must be synchronous. */
  private returnGenerator(iterator: Iterator<Effect<unknown>, T, unknown>): void {
    const outer = current;
    current = this as Coroutine<unknown>;
    try {
      let next = iterator.return!();
      while (!next.done) {
        next = iterator.throw!(
          new MisuseError(`${this.describe()} yielded ${show(next.value)} in a finally block while being halted; finally blocks must be synchronous`),
        );
      }
    } catch (error) {
      (this.cleanupErrors ??= []).push(error);
    } finally {
      current = outer;
    }
  }

  private haltChildren(): void {
    if (this.children === undefined) return;
    for (const child of [...this.children].reverse()) child.halt();
  }

  /** The generator ended by itself (returned or threw): halt what it left running, then settle. */
  private finish(outcome: Result<T>): void {
    this.closing = true;
    this.haltChildren();
    // Errors that arrived too late to be thrown in fail the task (with its own error, if any, first).
    const late = [...(this.childErrors?.splice(0) ?? []), ...(this.cleanupErrors ?? [])];
    const error = combine(outcome.ok ? late : [outcome.error, ...late]);
    this.settle(error === undefined ? outcome : failure(error), false);
  }

  private settle(outcome: Result<T>, halted: boolean): void {
    this.state = DONE;
    this.outcome = outcome;
    this.halted = halted;
    this.iterator = undefined;
    this.waitingOn = undefined;
    this.parent?.children?.delete(this as Coroutine<unknown>);
    if (tracing) traceEnded(this, `${this.label}${outcome.ok || halted ? "" : `: ${String(outcome.error)}`}`, current === (this as Coroutine<unknown>));

    const joiners = this.joiners === undefined ? [] : [...this.joiners];
    this.joiners = undefined;
    if (!outcome.ok && !halted) {
      // With no joiner, the error goes to the parent (or onExit) below: delivered already.
      this.errorHandoff = { holders: joiners.length, drops: 0, delivered: joiners.length === 0 };
    }
    for (const joiner of joiners) joiner(outcome, halted);
    if (this.watchers !== undefined) {
      const watchers = [...this.watchers];
      this.watchers = undefined;
      for (const watcher of watchers) callWatcher(watcher, outcome, halted);
    }

    if (this.onExit !== undefined) {
      try {
        this.onExit(outcome);
      } catch (error) {
        reportUncaught(error);
      }
    } else if (!outcome.ok && !halted && joiners.length === 0) {
      if (this.parent !== undefined) this.parent.interrupt(outcome.error);
      else reportUncaught(outcome.error);
    }
  }
}

/** A watcher is user code: its exception is its own bug, reported as uncaught, never the loop's. */
/**
 * A halted task's outcome. Its `HaltedError` — a stack trace and a message — is made only when
 * someone reads it (an `onExit`, a watcher): most halted tasks are helpers nobody joins (a front
 * door's client watcher, a timebox's child), and building one per halt showed in profiles.
 */
function haltedOutcome(task: Coroutine<unknown>): Result<never> {
  let error: HaltedError | undefined;
  return {
    ok: false,
    get error(): HaltedError {
      return (error ??= new HaltedError(`${task.describe()} was halted`));
    },
  };
}

function callWatcher<T>(watcher: Watcher<T>, outcome: Result<T>, halted: boolean): void {
  try {
    watcher(outcome, halted);
  } catch (error) {
    reportUncaught(error);
  }
}

/** Runs the halts that had to wait, once no generator is executing and no halt is under way. */
function runDeferredHalts(): void {
  while (current === undefined && haltsUnderWay === 0 && deferredHalts.length > 0) deferredHalts.shift()!.halt();
}

/** One error as itself, several as an `AggregateError`, none as `undefined`. */
function combine(errors: unknown[]): unknown {
  if (errors.length <= 1) return errors[0];
  return new AggregateError(errors, `${errors.length} errors: ${errors.map(String).join("; ")}`);
}

function joinEffect<T>(task: Coroutine<T>): Effect<T> {
  return {
    label: `join ${task.describe()}`,
    enter(resume) {
      let handedError: { error: unknown } | undefined;
      const unwatch = task.join((outcome, halted) => {
        if (!halted && !outcome.ok) handedError = { error: outcome.error };
        resume(halted ? failure(new HaltedError(`${task.describe()} was halted`)) : outcome);
      });
      return () => {
        unwatch();
        if (handedError) task.redeliver(handedError.error); // halted before it could receive it
      };
    },
  };
}

/** The task whose generator is executing now; `spawn` makes its children. */
export function currentTask(): Coroutine<unknown> | undefined {
  return current;
}

function noop(): void {}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object" && value !== null) return `an object (${value.constructor?.name ?? "Object"})`;
  return String(value);
}
