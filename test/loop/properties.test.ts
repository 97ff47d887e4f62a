// Property tests of the loop: random programs of spawn / sleep / halt / join / timeout / queue /
// action / fail statements run on the real loop, under fake timers, and every run is checked
// against the loop's promises:
//
//   - every wait whose task is cancelled has its teardown run exactly once, and a wait whose task
//     received the result never has it run; a late or duplicate wake is dropped (watched through
//     `action` waits, some of whose callbacks fire after their teardown or twice);
//   - no task's code runs after the task ended, or after any of its ancestors ended;
//   - no child outlives its parent: whenever a task is done, so are all the tasks it started, and
//     a task being halted has its children stopped before its own `finally` runs;
//   - every `run` ends with exactly one `onExit`, whose outcome matches how the root ended, and the
//     loop reports no error as uncaught (every error reaches a task or the `onExit`);
//   - nothing put into a Queue is lost or duplicated: every item whose `put` completed was got by
//     someone or is still in the queue at the end, and nothing is got that was never put;
//   - a timeout fires only when its time is up and its body has not returned, and its body's task
//     is done by then; a `TimeoutError` is always the caller's own (nested timeouts differ in length).
//
// Time is fake (only `setTimeout`, `clearTimeout` and `Date`; the scheduler's `setImmediate` stays
// real), so a run is deterministic, fast, and a counterexample shrinks and replays. The harness
// lets the loop drain, then moves the clock to the next timer. When the loop is idle with no timer
// left, every live task waits on a queue or a join that nothing will satisfy; the harness then acts
// from outside, as a callback would: it hands an item to a waiting getter, or takes one out of a
// full queue, or else halts the youngest live task (the root last).
//
// A failing run prints its program as indented pseudo-code and a trace. Tasks are numbered in the
// order they first exist, the root being task[0]; `halt task[k]` picks task k modulo the number
// that exist at that moment (possibly the task itself or an ancestor), `join task[k]` the same
// among the tasks that are neither.
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { perform, success, type Effect, type Result } from "../../src/loop/effects.js";
import { action, HaltedError, Queue, run, sleep, spawn, timebox, TimeoutError, withTimeout, type Operation, type Task } from "../../src/loop/index.js";

/**
 * Errors the loop gave up on and reported as uncaught (nobody left to receive them). The real
 * `reportUncaught` throws them from a `setImmediate`, where the runner would see them out of
 * context; here they are collected, and every run checks that there were none.
 */
const reportedUncaught: unknown[] = [];
vi.mock(import("../../src/loop/scheduler.js"), async (importOriginal) => ({
  ...(await importOriginal()),
  reportUncaught: (error: unknown) => {
    reportedUncaught.push(error);
  },
}));

// ---------------------------------------------------------------------------------------------
// The programs

type ActionMode =
  | "resolve" // resolves after `ms`; its teardown clears the timer
  | "reject" // rejects after `ms`
  | "sloppy" // resolves after `ms`, and its teardown forgets to clear the timer: a wake after teardown
  | "twice" // resolves after `ms` and again 2 ms later: a duplicate wake that must be dropped
  | "sync"; // resolves inside setup, `times` times in a row (crossing the loop's sync-resume budget)

type Stmt =
  | { readonly kind: "sleep"; readonly ms: number }
  | { readonly kind: "spawn"; readonly body: readonly Stmt[] }
  | { readonly kind: "halt"; readonly target: number }
  | { readonly kind: "join"; readonly target: number }
  | { readonly kind: "timeout"; readonly style: "timebox" | "withTimeout"; readonly ms: number; readonly body: readonly Stmt[] }
  | { readonly kind: "put"; readonly queue: number; readonly times: number }
  | { readonly kind: "get"; readonly queue: number; readonly times: number }
  | { readonly kind: "joinAll" }
  | { readonly kind: "action"; readonly mode: ActionMode; readonly ms: number; readonly times: number }
  | { readonly kind: "fail" };

class Program {
  constructor(
    /** Each queue's limit (Infinity: unbounded). */
    readonly limits: readonly number[],
    /** "one": timers fire one at a time, the loop drains between; "tick": the clock moves 1 ms at a time and fires all that are due. */
    readonly timers: "one" | "tick",
    readonly body: readonly Stmt[],
  ) {}

  [fc.toStringMethod](): string {
    const queues = this.limits.map((limit, i) => `q${i}(${limit === Infinity ? "unbounded" : `limit ${limit}`})`).join(" ");
    const header = `queues ${queues}; timers ${this.timers === "one" ? "fire one at a time" : "fire per 1 ms tick"}`;
    return ["", header, "root {", ...showBody(this.body, "  "), "}"].join("\n");
  }
}

function showBody(body: readonly Stmt[], indent: string): string[] {
  return body.flatMap((stmt) => {
    switch (stmt.kind) {
      case "spawn":
        return [`${indent}spawn {`, ...showBody(stmt.body, `${indent}  `), `${indent}}`];
      case "timeout":
        return [`${indent}${stmt.style} ${stmt.ms}ms {`, ...showBody(stmt.body, `${indent}  `), `${indent}}`];
      case "sleep":
        return [`${indent}sleep ${stmt.ms}ms`];
      case "halt":
        return [`${indent}halt task[${stmt.target}]`];
      case "join":
        return [`${indent}join task[${stmt.target}] (of those not itself or an ancestor)`];
      case "put":
      case "get":
        return [`${indent}${stmt.kind} q${stmt.queue}${stmt.times > 1 ? ` ×${stmt.times}` : ""}`];
      case "joinAll":
        return [`${indent}join all (every task but itself and its ancestors)`];
      case "action":
        return [`${indent}action ${stmt.mode === "sync" ? `sync ×${stmt.times}` : `${stmt.mode} ${stmt.ms}ms`}`];
      case "fail":
        return [`${indent}fail`];
    }
  });
}

const QUEUES = 2;

const leafArbitrary: fc.Arbitrary<Stmt> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("sleep"), ms: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("put"), queue: fc.nat(QUEUES - 1), times: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("get"), queue: fc.nat(QUEUES - 1), times: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "joinAll" }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("action"),
      mode: fc.constantFrom<ActionMode>("resolve", "reject", "sloppy", "twice"),
      ms: fc.integer({ min: 0, max: 5 }),
      times: fc.constant(1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("action"), mode: fc.constant<ActionMode>("sync"), ms: fc.constant(0), times: fc.constantFrom(1, 2, 70) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("halt"), target: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("join"), target: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fail") }) },
) as fc.Arbitrary<Stmt>;

const { body: bodyArbitrary } = fc.letrec<{ body: readonly Stmt[]; stmt: Stmt }>((tie) => ({
  body: fc.array(tie("stmt"), { minLength: 1, maxLength: 6, depthIdentifier: "program" }),
  stmt: fc.oneof(
    { maxDepth: 3, depthSize: "medium", depthIdentifier: "program", withCrossShrink: true },
    // The leaves first: fast-check leans towards the first choice as programs nest deeper, and shrinks towards it.
    { weight: 5, arbitrary: leafArbitrary },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("spawn"), body: tie("body") }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("timeout"),
        style: fc.constantFrom<"timebox" | "withTimeout">("timebox", "withTimeout"),
        ms: fc.integer({ min: 0, max: 8 }),
        body: tie("body"),
      }),
    },
  ) as fc.Arbitrary<Stmt>,
}));

const programArbitrary: fc.Arbitrary<Program> = fc
  .record({
    limits: fc.array(fc.constantFrom(1, 2, Infinity), { minLength: QUEUES, maxLength: QUEUES }),
    timers: fc.constantFrom<"one" | "tick">("one", "tick"),
    body: fc.array(bodyArbitrary, { minLength: 1, maxLength: 3 }).map((bodies) => bodies.flat()),
    // Most roots wait for their tasks at the end, so that they have time to meet at the queues.
    rootWaits: fc.constantFrom(true, true, true, false),
  })
  .map(({ limits, timers, body, rootWaits }) => new Program(limits, timers, rootWaits ? [...body, { kind: "joinAll" }] : body));

// ---------------------------------------------------------------------------------------------
// The interpreter: runs a program on the loop, watching every step

/** One body being run: the root, a spawned task, or the child a timeout runs its body in. */
interface Rec {
  readonly name: string;
  readonly parent: Rec | undefined;
  readonly children: Rec[];
  task: Task<unknown> | undefined;
  /** Its generator started, returned, threw, and ran its `finally` (whether it returned, failed or was halted). */
  started: boolean;
  completed: boolean;
  failed: boolean;
  ended: boolean;
  /** It has halted itself or an ancestor (which the loop defers until it yields). */
}

/** One `action` wait: the task either receives its result or has its teardown run, exactly once. */
interface ActionWait {
  readonly name: string;
  received: number;
  teardowns: number;
}

/** An error a `fail` statement throws. */
class Boom extends Error {
  override readonly name = "Boom";
}

/** The error a "reject" action rejects with. */
class Rejected extends Error {
  override readonly name = "Rejected";
}

/** An effect that hands the task running it its own `Task` (the loop passes it to `enter`). */
const self: Effect<Task<unknown>> = {
  label: "self",
  enter(resume, task) {
    const handle = task as Partial<Task<unknown>>;
    if (typeof handle.halt !== "function") throw new TypeError("the loop no longer passes the Task to enter(); update this test's self effect");
    resume(success(task as Task<unknown>));
    return () => {};
  },
};

class World {
  readonly violations: string[] = [];
  /** Errors thrown by `fail` statements, and those seen again (caught, or the root's outcome). */
  readonly thrown = new Set<Boom>();
  readonly seen = new Set<unknown>();
  readonly log: string[] = [];
  readonly recs: Rec[] = [];
  /** Every task with a handle, in the order it first had one: what `halt`/`join` targets pick from. */
  readonly tasks: Rec[] = [];
  readonly actions: ActionWait[] = [];
  readonly queues: Queue<number>[];
  readonly putStarted = new Set<number>();
  readonly putDone = new Set<number>();
  readonly got: number[] = [];
  private nextItem = 1;
  private nextName = 1;

  constructor(readonly program: Program) {
    this.queues = program.limits.map((limit) => new Queue<number>(limit));
  }

  newRec(parent: Rec | undefined, kind: string): Rec {
    const rec: Rec = {
      name: parent === undefined ? "root" : `${kind}#${this.nextName++}`,
      parent,
      children: [],
      task: undefined,
      started: false,
      completed: false,
      failed: false,
      ended: false,
    };
    parent?.children.push(rec);
    this.recs.push(rec);
    return rec;
  }

  attach(rec: Rec, task: Task<unknown>): void {
    if (rec.task === undefined) {
      rec.task = task;
      this.tasks.push(rec);
    } else if (rec.task !== task) {
      this.violate(`${rec.name} runs in a task other than the one spawn returned`);
    }
  }

  violate(message: string): void {
    this.violations.push(`at ${Date.now()} ms: ${message}`);
    this.note(`VIOLATION ${message}`);
  }

  note(message: string): void {
    this.log.push(`${String(Date.now()).padStart(3)} ms  ${message}`);
  }

  /** Called whenever code of `rec` runs: it, and all its ancestors, must still be alive. */
  running(rec: Rec, where: string): void {
    if (rec.task === undefined) this.violate(`${rec.name} runs without a task (${where})`);
    else if (rec.task.done) this.violate(`${rec.name} runs after its task ended (${where})`);
    if (rec.ended) this.violate(`${rec.name} runs after its finally (${where})`);
    for (let ancestor = rec.parent; ancestor !== undefined; ancestor = ancestor.parent) {
      if (ancestor.task?.done) this.violate(`${rec.name} runs after its ancestor ${ancestor.name} ended (${where})`);
    }
    this.structure(where);
  }

  /** No child outlives its parent: a done task has only done children. */
  structure(where: string): void {
    for (const rec of this.recs) {
      if (!rec.task?.done) continue;
      for (const child of rec.children) {
        if (child.task !== undefined && !child.task.done) this.violate(`${child.name} outlives its parent ${rec.name} (${where})`);
      }
    }
  }

  /**
   * Breaks a deadlock from outside, the way a callback would: hands an item to a waiting getter,
   * else takes the oldest item out of a full queue (so a waiting putter can get in), else halts the
   * youngest live task (the root last). Returns the task it halted, if it did.
   */
  unblock(): Rec | undefined {
    const starved = this.queues.findIndex((queue) => queue.waitingGetters > 0);
    if (starved >= 0) {
      const item = this.nextItem++;
      this.putStarted.add(item);
      if (!this.queues[starved].offer(item)) this.violate(`q${starved} has waiting getters but refused an item`);
      this.putDone.add(item);
      this.note(`deadlock: put ${item} in q${starved} from outside`);
      return undefined;
    }
    const full = this.queues.findIndex((queue) => queue.size > 0 && queue.size >= queue.limit);
    if (full >= 0) {
      let taken = false;
      const removed = this.queues[full].removeWhere(() => !taken && (taken = true));
      this.got.push(...removed);
      this.note(`deadlock: took ${removed.join(", ")} out of q${full} from outside`);
      return undefined;
    }
    const youngest = [...this.tasks].reverse().find((rec) => !rec.task!.done)!;
    this.note(`deadlock: halting ${youngest.name} from outside`);
    youngest.task!.halt();
    return youngest;
  }

  /** Any task, itself and its ancestors included (halting those is deferred until it yields). */
  pick(target: number): Rec {
    return this.tasks[target % this.tasks.length];
  }

  /** Any task but itself and its ancestors (joining those would only wait to be halted). */
  pickOther(target: number, rec: Rec): Rec | undefined {
    const others = this.tasks.filter((candidate) => !isSelfOrAncestor(candidate, rec));
    return others.length === 0 ? undefined : others[target % others.length];
  }

  *body(rec: Rec, body: readonly Stmt[]): Operation<string> {
    this.attach(rec, yield* perform(self));
    rec.started = true;
    this.note(`${rec.name} starts`);
    this.running(rec, "start");
    try {
      for (const stmt of body) {
        yield* this.stmt(rec, stmt);
        this.running(rec, `after ${stmt.kind}`);
      }
      rec.completed = true;
      this.note(`${rec.name} returns`);
      return rec.name;
    } catch (error) {
      rec.failed = true;
      throw error;
    } finally {
      this.running(rec, "finally");
      if (!rec.completed && !rec.failed) {
        // Neither returned nor threw: it is being halted, and a halt stops the children first.
        for (const child of rec.children) {
          if (child.task !== undefined && !child.task.done) this.violate(`${rec.name}'s finally runs during its halt while its child ${child.name} still runs`);
        }
      }
      rec.ended = true;
    }
  }

  *stmt(rec: Rec, stmt: Stmt): Operation<void> {
    switch (stmt.kind) {
      case "sleep":
        yield* sleep(stmt.ms / 1000);
        return;

      case "spawn": {
        const child = this.newRec(rec, "task");
        const task = yield* spawn(() => this.body(child, stmt.body));
        this.attach(child, task as Task<unknown>);
        this.note(`${rec.name} spawned ${child.name}`);
        return;
      }

      case "halt": {
        const target = this.pick(stmt.target);
        // Halting itself or an ancestor is deferred by the loop until this task yields.
        this.note(`${rec.name} halts ${target.name}`);
        target.task!.halt();
        return;
      }

      case "join": {
        const target = this.pickOther(stmt.target, rec);
        if (target === undefined) return;
        this.note(`${rec.name} joins ${target.name}`);
        try {
          const value = yield* target.task!;
          if (value !== target.name || !target.completed) this.violate(`${rec.name} joined ${target.name} and got ${String(value)}`);
        } catch (error) {
          this.caught(rec, error, `join ${target.name}`);
        }
        return;
      }

      case "timeout": {
        const child = this.newRec(rec, stmt.style);
        const started = Date.now();
        const op = this.body(child, stmt.body);
        this.note(`${rec.name} starts ${stmt.style} ${stmt.ms}ms of ${child.name}`);
        try {
          if (stmt.style === "timebox") {
            const result = yield* timebox(stmt.ms / 1000, op);
            if (result.timedOut) this.timedOut(child, stmt.ms, started);
            else this.timeboxValue(child, result.value);
          } else {
            this.timeboxValue(child, yield* withTimeout(stmt.ms / 1000, op));
          }
        } catch (error) {
          if (error instanceof TimeoutError) {
            if (error.seconds !== stmt.ms / 1000) this.violate(`${rec.name} got the TimeoutError of another timeout (${error.seconds} s, not ${stmt.ms / 1000} s)`);
            this.timedOut(child, stmt.ms, started);
          }
          this.caught(rec, error, `${stmt.style} of ${child.name}`);
        }
        return;
      }

      case "put":
        for (let i = 0; i < stmt.times; i++) {
          const item = this.nextItem++;
          this.putStarted.add(item);
          yield* this.queues[stmt.queue].put(item);
          this.putDone.add(item);
          this.note(`${rec.name} put ${item} in q${stmt.queue}`);
          this.running(rec, "after a put");
        }
        return;

      case "get":
        for (let i = 0; i < stmt.times; i++) {
          const item = yield* this.queues[stmt.queue].get();
          this.got.push(item);
          this.note(`${rec.name} got ${String(item)} from q${stmt.queue}`);
          this.running(rec, "after a get");
        }
        return;

      case "joinAll":
        for (const target of [...this.tasks]) {
          if (isSelfOrAncestor(target, rec)) continue;
          try {
            yield* target.task!;
          } catch (error) {
            this.caught(rec, error, `join ${target.name}`);
          }
          this.running(rec, `after joining ${target.name}`);
        }
        return;

      case "action":
        for (let i = 0; i < stmt.times; i++) yield* this.action(rec, stmt.mode, stmt.ms);
        return;

      case "fail": {
        const boom = new Boom(`boom from ${rec.name}`);
        this.thrown.add(boom);
        this.note(`${rec.name} throws ${boom.message}`);
        throw boom;
      }
    }
  }

  *action(rec: Rec, mode: ActionMode, ms: number): Operation<void> {
    const wait: ActionWait = { name: `action#${this.actions.length + 1} (${mode}) of ${rec.name}`, received: 0, teardowns: 0 };
    const rejection = new Rejected(wait.name);
    const receive = (value: unknown): void => {
      wait.received++;
      if (wait.teardowns > 0) this.violate(`${wait.name} was received after its teardown ran`);
      if (value !== wait.name) this.violate(`${wait.name} received ${String(value)}`);
    };
    try {
      receive(
        yield* action<string>(wait.name, (resolve, reject) => {
          // Counted once its work starts: an error thrown in at the yield (a child's) never starts it.
          this.actions.push(wait);
          if (mode === "sync") {
            resolve(wait.name);
            return () => this.teardown(rec, wait);
          }
          const first = setTimeout(() => (mode === "reject" ? reject(rejection) : resolve(wait.name)), ms);
          const second = mode === "twice" ? setTimeout(() => resolve("a duplicate wake"), ms + 2) : undefined;
          return () => {
            this.teardown(rec, wait);
            if (mode !== "sloppy") clearTimeout(first);
            clearTimeout(second);
          };
        }),
      );
    } catch (error) {
      if (error !== rejection) throw error;
      receive(wait.name);
    }
  }

  teardown(rec: Rec, wait: ActionWait): void {
    wait.teardowns++;
    this.note(`teardown of ${wait.name}`);
    if (wait.teardowns > 1) this.violate(`the teardown of ${wait.name} ran ${wait.teardowns} times`);
    if (wait.received > 0) this.violate(`the teardown of ${wait.name} ran though its task received the result`);
    if (rec.task?.done) this.violate(`the teardown of ${wait.name} ran after ${rec.name} ended`);
  }

  timedOut(child: Rec, ms: number, started: number): void {
    if (Date.now() - started < ms) this.violate(`${child.name} timed out after ${Date.now() - started} ms, before its ${ms} ms`);
    if (child.completed) this.violate(`${child.name} timed out though its body returned`);
    if (child.task !== undefined && !child.task.done) this.violate(`${child.name} timed out but its task still runs`);
  }

  timeboxValue(child: Rec, value: string): void {
    if (value !== child.name || !child.completed) this.violate(`the timeout of ${child.name} returned ${value}`);
  }

  caught(rec: Rec, caught: unknown, where: string): void {
    this.note(`${rec.name} caught ${String(caught)} at ${where}`);
    for (const error of flatten(caught)) {
      this.seen.add(error);
      if (!(error instanceof Boom || error instanceof HaltedError || error instanceof TimeoutError)) {
        this.violate(`${rec.name} caught an unexpected error at ${where}: ${String(error)}`);
      }
    }
  }
}

/** The errors inside an error: several that arrived together come as one AggregateError. */
function flatten(error: unknown): unknown[] {
  return error instanceof AggregateError ? error.errors.flatMap(flatten) : [error];
}

function isSelfOrAncestor(candidate: Rec, rec: Rec): boolean {
  for (let r: Rec | undefined = rec; r !== undefined; r = r.parent) if (r === candidate) return true;
  return false;
}

/** Runs of the main property; `PROPERTY_RUNS=50000 npx vitest run test/loop/properties.test.ts` for a long search. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);

const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Report {
  readonly violations: string[];
  /** `fail` errors that reached neither a catch nor the root's onExit. */
  readonly lost: string[];
  readonly log: string[];
}

/** Runs the program to its end (halting the root if it deadlocks), then checks what it left. */
async function execute(program: Program): Promise<Report> {
  reportedUncaught.length = 0;
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 0 });
  try {
    const world = new World(program);
    const root = world.newRec(undefined, "root");
    const exits: Result<string>[] = [];
    const task = run(
      () => world.body(root, program.body),
      (outcome) => {
        exits.push(outcome);
        world.note(`onExit ${outcome.ok ? `ok ${outcome.value}` : `error ${String(outcome.error)}`}`);
      },
    );
    world.attach(root, task as Task<unknown>);

    let externalHalt = false;
    for (let turns = 0; exits.length === 0; turns++) {
      await immediate(); // the loop drains what is ready…
      await immediate(); // …and anything a drain left for the next turn
      if (exits.length > 0) break;
      if (turns > 10_000) {
        world.violate("the program did not end in 10,000 turns");
        break;
      }
      if (vi.getTimerCount() === 0) {
        // Idle with no timer: every live task waits on a queue or a join that nothing will satisfy.
        externalHalt ||= world.unblock() === root;
      } else if (program.timers === "one") {
        vi.advanceTimersToNextTimer();
      } else {
        vi.advanceTimersByTime(1);
      }
    }
    // Fire whatever timers are left (stale ones: a sloppy teardown, a duplicate wake) and let the loop drain.
    for (let i = 0; i < 100 && vi.getTimerCount() > 0; i++) {
      vi.advanceTimersToNextTimer();
      await immediate();
    }
    await immediate();
    await immediate();

    if (exits.length !== 1) world.violate(`onExit was called ${exits.length} times`);
    const outcome = exits[0];
    if (outcome !== undefined) {
      // A root that returned may still fail: with a child's error that arrived too late to be thrown in.
      if (outcome.ok && !root.completed) world.violate("onExit says ok, but the root did not return");
      if (!outcome.ok) {
        for (const error of flatten(outcome.error)) {
          world.seen.add(error);
          if (!(error instanceof Boom || error instanceof HaltedError)) world.violate(`the root ended with ${String(outcome.error)}`);
        }
      }
    }

    for (const rec of world.recs) {
      if (rec.task !== undefined && !rec.task.done) world.violate(`${rec.name} is still running after the root ended`);
      if (rec.started && !rec.ended) world.violate(`${rec.name} started but its finally never ran`);
    }
    world.structure("end");
    for (const wait of world.actions) {
      if (wait.received + wait.teardowns !== 1) {
        world.violate(`${wait.name} was received ${wait.received} times and torn down ${wait.teardowns} times (want exactly one of them, once)`);
      }
    }

    const left = world.queues.flatMap((queue) => queue.removeWhere(() => true));
    const accounted = [...world.got, ...left];
    const counts = new Map<unknown, number>();
    for (const item of accounted) counts.set(item, (counts.get(item) ?? 0) + 1);
    for (const [item, count] of counts) {
      if (count > 1) world.violate(`item ${String(item)} came out of a queue ${count} times`);
      if (!world.putStarted.has(item as number)) world.violate(`${String(item)} came out of a queue but was never put`);
    }
    for (const item of world.putDone) if (!counts.has(item)) world.violate(`item ${item} was put but is lost: neither got nor still in its queue`);
    world.queues.forEach((queue, i) => {
      if (queue.waitingGetters !== 0) world.violate(`q${i} still counts ${queue.waitingGetters} waiting getters after every task ended`);
    });

    for (const error of reportedUncaught.splice(0)) {
      world.seen.add(error);
      world.violate(`the loop reported ${String(error)} as uncaught: it reached neither a task nor onExit`);
    }
    const lost = [...world.thrown].filter((error) => !world.seen.has(error)).map((error) => error.message);
    return { violations: world.violations, lost, log: world.log };
  } finally {
    vi.useRealTimers();
  }
}

function explain(report: Report, problems: string[]): string {
  return `${problems.join("\n")}\n--- trace ---\n${report.log.join("\n")}`;
}

// ---------------------------------------------------------------------------------------------

// Found by this property and fixed in src/loop/task.ts: a deferred halt of an ancestor ran inside
// another task's halt (a child outlived its parent); two children's errors in one turn kept only the
// second; an error on its way into a task that was then halted, or handed to a joiner halted before
// it ran, vanished. Several errors that arrive together now end a task as one AggregateError.
// Later, once the property also checked that nothing is reported as uncaught: a copy of an error
// that had been received already, handed to a late joiner halted before it ran, was reported
// again; and a halted joiner's error, with the failed task's parent gone too, escaped as uncaught.

describe("the loop under random programs", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps its promises: teardowns once, no resume after the end, no orphans, one onExit, no lost items, no lost errors", async () => {
    await fc.assert(
      fc.asyncProperty(programArbitrary, async (program) => {
        const report = await execute(program);
        const problems = [...report.violations, ...report.lost.map((message) => `lost: ${message}`)];
        if (problems.length > 0) throw new Error(explain(report, problems));
      }),
      { numRuns: RUNS },
    );
  });

  it("runs a hand-written program with every kind of statement (a smoke test of the harness)", async () => {
    const program = new Program([1, Infinity], "one", [
      { kind: "spawn", body: [{ kind: "put", queue: 0, times: 2 }, { kind: "sleep", ms: 2 }] },
      { kind: "get", queue: 0, times: 1 },
      { kind: "timeout", style: "withTimeout", ms: 1, body: [{ kind: "action", mode: "resolve", ms: 5, times: 1 }] },
      { kind: "action", mode: "sync", ms: 0, times: 70 },
      { kind: "join", target: 0 },
    ]);
    const report = await execute(program);
    expect(report.violations).toEqual([]);
    expect(report.log.some((line) => line.includes("caught TimeoutError"))).toBe(true);
    expect(report.log.some((line) => line.includes("root joins task#1"))).toBe(true);
  });
});
