// What each layer of the loop costs in a hand-off: `node --import tsx scripts/bench/loop-layers.ts
// [--messages N] [--rounds N]`. Not part of `npm run bench`; a probe for docs/BENCHMARKS.md §1.
//
// The same ping-pong as loop.ts (two tasks, two queues, N hand-offs), four ways:
//   native     async/await and a minimal Promise queue (loop.ts's baseline);
//   minimal    a scheduler of ~20 lines (below) with effects of its own: a FIFO ready queue, a
//              resume that only enqueues, and effects whose iterator is a hand-written object —
//              the reference issue 16 describes;
//   our waits  our `Queue` and its `Wait`s (src/loop/queue.ts, wait.ts), stepped by that minimal
//              scheduler instead of our tasks;
//   ours       our `Queue` on our tasks and scheduler (src/loop/task.ts, scheduler.ts).
// So `minimal → our waits` is what our queue and waits add, and `our waits → ours` what the task
// adds: the stale-wake tokens, structured halts, error routing, the step budget, the trace hooks.
// Rounds alternate, a full GC before each; the medians of wall time and of CPU time are printed.
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { parseArgs } from "node:util";
import { Queue, run, spawn, type Operation } from "../../src/loop/index.js";

interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

function timed(start: number, cpu: NodeJS.CpuUsage): Timing {
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// The minimal scheduler. A task is a generator, the value to send in next, and how it enters what
// the generator yields. Nothing is checked: no tokens, no halts, no errors.

interface MinimalTask {
  readonly generator: Iterator<unknown, void, unknown>;
  resumeWith: unknown;
  enter(yielded: unknown): void;
}

interface MinimalEffect {
  enter(task: MinimalTask): void;
}

class EffectsTask implements MinimalTask {
  resumeWith: unknown;

  constructor(readonly generator: Iterator<unknown, void, unknown>) {}

  enter(yielded: unknown): void {
    (yielded as MinimalEffect).enter(this);
  }
}

const ready: MinimalTask[] = [];
let drainPending = false;

function schedule(task: MinimalTask): void {
  ready.push(task);
  if (!drainPending) {
    drainPending = true;
    setImmediate(drain);
  }
}

function drain(): void {
  drainPending = false;
  for (let task = ready.shift(); task !== undefined; task = ready.shift()) {
    const next = task.generator.next(task.resumeWith);
    if (next.done !== true) task.enter(next.value);
  }
}

/** `get` on an empty queue: yields itself once, then returns what it was resumed with. */
class MinimalGet<T> implements MinimalEffect {
  private yielded = false;

  constructor(private readonly queue: MinimalQueue<T>) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(value?: unknown): IteratorResult<this, T> {
    if (this.yielded) return { done: true, value: value as T };
    this.yielded = true;
    return { done: false, value: this };
  }

  enter(task: MinimalTask): void {
    this.queue.getters.push(task);
  }
}

/** What `get` with an item and `put` return: done at once. (A class, not closures: see loop.ts on `keepNames`.) */
class NoWait<T> {
  constructor(private readonly value: T) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<never, T> {
    return { done: true, value: this.value };
  }
}

const PUT_DONE = new NoWait(undefined);

class MinimalQueue<T> {
  readonly items: T[] = [];
  readonly getters: MinimalTask[] = [];

  get(): Iterable<unknown> {
    if (this.items.length > 0) return new NoWait(this.items.shift());
    return new MinimalGet(this);
  }

  /** Unbounded: never waits. */
  put(item: T): Iterable<never> {
    const getter = this.getters.shift();
    if (getter === undefined) this.items.push(item);
    else {
      getter.resumeWith = item;
      schedule(getter);
    }
    return PUT_DONE;
  }
}

/** The internal protocol of a `Wait` this probe drives (src/loop/wait.ts). */
interface WaitProtocol {
  task: unknown;
  token: number;
  start(): void;
}

// Our `Wait`s are entered by setting `task` and `token`, then `start()`, and end with
// `task.wake(token, value)` (src/loop/task.ts, `wait` and `wake`). This task offers just that.
class WaitsTask implements MinimalTask {
  resumeWith: unknown;
  private token = 0;

  constructor(readonly generator: Iterator<unknown, void, unknown>) {}

  enter(yielded: unknown): void {
    const wait = yielded as WaitProtocol;
    wait.task = this;
    wait.token = ++this.token;
    wait.start();
  }

  wake(token: number, value: unknown): void {
    if (token !== this.token) return;
    this.resumeWith = value;
    schedule(this);
  }
}

// ---------------------------------------------------------------------------------------------
// The four variants.

function minimal(messages: number): Promise<Timing> {
  const roundTrips = messages / 2;
  return new Promise((resolve) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const there = new MinimalQueue<number>();
    const back = new MinimalQueue<number>();
    let running = 2;
    const finished = (): void => {
      if (--running === 0) resolve(timed(started, cpu));
    };
    const pong = function* (): Generator<unknown, void, unknown> {
      for (let i = 0; i < roundTrips; i++) {
        const message = (yield* there.get()) as number;
        yield* back.put(message + 1);
      }
      finished();
    };
    const ping = function* (): Generator<unknown, void, unknown> {
      for (let i = 0; i < roundTrips; i++) {
        yield* there.put(i);
        const reply = (yield* back.get()) as number;
        if (reply !== i + 1) throw new Error(`ping-pong: got ${reply} for ${i}`);
      }
      finished();
    };
    schedule(new EffectsTask(pong()));
    schedule(new EffectsTask(ping()));
  });
}

function ourWaits(messages: number): Promise<Timing> {
  const roundTrips = messages / 2;
  return new Promise((resolve) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const there = new Queue<number>();
    const back = new Queue<number>();
    let running = 2;
    const finished = (): void => {
      if (--running === 0) resolve(timed(started, cpu));
    };
    const pong = function* (): Generator<unknown, void, unknown> {
      for (let i = 0; i < roundTrips; i++) {
        const message = yield* there.get();
        yield* back.put(message + 1);
      }
      finished();
    };
    const ping = function* (): Generator<unknown, void, unknown> {
      for (let i = 0; i < roundTrips; i++) {
        yield* there.put(i);
        const reply = yield* back.get();
        if (reply !== i + 1) throw new Error(`ping-pong: got ${reply} for ${i}`);
      }
      finished();
    };
    schedule(new WaitsTask(pong()));
    schedule(new WaitsTask(ping()));
  });
}

function ours(messages: number): Promise<Timing> {
  const roundTrips = messages / 2;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    run(
      function* (): Operation<void> {
        const there = new Queue<number>();
        const back = new Queue<number>();
        const pong = yield* spawn(function* (): Operation<void> {
          for (let i = 0; i < roundTrips; i++) {
            const message = yield* there.get();
            yield* back.put(message + 1);
          }
        });
        for (let i = 0; i < roundTrips; i++) {
          yield* there.put(i);
          const reply = yield* back.get();
          if (reply !== i + 1) throw new Error(`ping-pong: got ${reply} for ${i}`);
        }
        yield* pong;
      },
      (outcome) => (outcome.ok ? resolve(timed(started, cpu)) : reject(outcome.error)),
    );
  });
}

class PromiseQueue<T> {
  private readonly items: T[] = [];
  private readonly getters: ((item: T) => void)[] = [];

  put(item: T): void {
    const getter = this.getters.shift();
    if (getter !== undefined) getter(item);
    else this.items.push(item);
  }

  get(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    return new Promise((resolve) => {
      this.getters.push(resolve);
    });
  }
}

async function native(messages: number): Promise<Timing> {
  const roundTrips = messages / 2;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const there = new PromiseQueue<number>();
  const back = new PromiseQueue<number>();
  const pong = (async function (): Promise<void> {
    for (let i = 0; i < roundTrips; i++) {
      const message = await there.get();
      back.put(message + 1);
    }
  })();
  for (let i = 0; i < roundTrips; i++) {
    there.put(i);
    const reply = await back.get();
    if (reply !== i + 1) throw new Error(`ping-pong: got ${reply} for ${i}`);
  }
  await pong;
  return timed(started, cpu);
}

// ---------------------------------------------------------------------------------------------

const gc: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const VARIANTS: readonly (readonly [string, (messages: number) => Promise<Timing>])[] = [
  ["native (async/await, Promise queue)", native],
  ["minimal scheduler, its own effects", minimal],
  ["minimal scheduler, our Queue and Waits", ourWaits],
  ["ours (our Queue on our tasks)", ours],
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { messages: { type: "string", default: "1000000" }, rounds: { type: "string", default: "7" } } });
  const messages = Number(values.messages);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(messages) || messages < 2 || messages % 2 !== 0) throw new Error(`--messages must be an even integer >= 2, got ${values.messages}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be an integer >= 1, got ${values.rounds}`);
  for (let i = 0; i < 2; i++) for (const [, pingPong] of VARIANTS) await pingPong(Math.min(messages, 200_000));
  const wall: number[][] = VARIANTS.map(() => []);
  const cpu: number[][] = VARIANTS.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, [, pingPong]] of VARIANTS.entries()) {
      gc();
      const timing = await pingPong(messages);
      wall[index].push(timing.ms);
      cpu[index].push(timing.cpuMs);
    }
  }
  const nativeWall = median(wall[0]);
  const nativeCpu = median(cpu[0]);
  process.stdout.write(`Ping-pong, ${messages.toLocaleString("en")} hand-offs, median of ${rounds} alternating rounds (Node ${process.version})\n`);
  for (const [index, [name]] of VARIANTS.entries()) {
    const w = median(wall[index]);
    const c = median(cpu[index]);
    process.stdout.write(
      `${name.padEnd(40)} ${w.toFixed(0).padStart(5)} ms  ${c.toFixed(0).padStart(5)} ms CPU   / native: ${(nativeWall / w).toFixed(2)}× wall, ${(nativeCpu / c).toFixed(2)}× CPU\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`loop-layers failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
