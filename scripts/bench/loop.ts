// Event loop benchmark: `node --import tsx scripts/bench/loop.ts [--json] [--messages N] [--rounds N] [--tasks N]`.
//
// 1. Ping-pong: two tasks hand N messages (default 1,000,000) back and forth through two queues —
//    a hand-off is one message moved from one task to the other, a round trip is two. The same
//    program runs on our loop (`Queue`), with native async/await and a minimal Promise-based
//    queue, and on effection v4 (`createQueue`). Each variant is warmed up, then measured in
//    alternating rounds (A B C A B C …); the median round is reported. Goal (issue 16): ours ≥ 1.0×
//    native, the wall-clock rates of the median rounds. Each round's CPU time (user + system) is
//    recorded too: on a shared machine other work stretches wall time, far less CPU time, so the
//    median of the per-round CPU ratios is printed beside it.
// 2. Sleepers: N tasks (default 100,000) each sleeping 0.1 s on our loop: wall time from the
//    first spawn to the root's `onExit`, its CPU time, and the peak `heapUsed` (sampled every few
//    ms and at fixed points, after a full GC). Goals: no worse than before issue 16 (938 ms,
//    115.9 MB on a quiet machine).
//
// Prints a small table, or with `--json` one JSON object (for a runner to gather).
//
// Fairness: tsx compiles with esbuild's `keepNames`, which wraps every *named* closure in a
// `__name()` call each time it is created. The three variants are written alike — classes with
// methods, anonymous function expressions — so none of them pays for that in its hot loop.
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { parseArgs } from "node:util";
import { createQueue, run as runEffection, spawn as spawnEffection, type Operation as EffectionOperation } from "effection";
import { Queue, run, sleep, spawn, type Operation } from "../../src/loop/index.js";

// ---------------------------------------------------------------------------------------------
// Ping-pong, three ways. Each returns the milliseconds it took to move `messages` messages.

/** Milliseconds of CPU (user + system) this process used since `start`. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

/** Our loop: ping puts into `there` and waits on `back`; pong does the opposite. */
function pingPongOurs(messages: number): Promise<Timing> {
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
      (outcome) => (outcome.ok ? resolve({ ms: performance.now() - started, cpuMs: cpuMs(cpu) }) : reject(outcome.error)),
    );
  });
}

/** The smallest honest Promise-based queue: items, or the resolvers of waiting getters. */
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

async function pingPongNative(messages: number): Promise<Timing> {
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
  return { ms: performance.now() - started, cpuMs: cpuMs(cpu) };
}

/** effection v4: its unbounded `createQueue` (`add` never waits; `next()` waits while empty). */
async function pingPongEffection(messages: number): Promise<Timing> {
  const roundTrips = messages / 2;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await runEffection(function* (): EffectionOperation<void> {
    const there = createQueue<number, never>();
    const back = createQueue<number, never>();
    const pong = yield* spawnEffection(function* (): EffectionOperation<void> {
      for (let i = 0; i < roundTrips; i++) {
        const message = yield* there.next();
        back.add((message.value as number) + 1);
      }
    });
    for (let i = 0; i < roundTrips; i++) {
      there.add(i);
      const reply = yield* back.next();
      if (reply.value !== i + 1) throw new Error(`ping-pong: got ${String(reply.value)} for ${i}`);
    }
    yield* pong;
  });
  return { ms: performance.now() - started, cpuMs: cpuMs(cpu) };
}

// ---------------------------------------------------------------------------------------------
// Sleepers

interface SleepersResult {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakHeapMB: number;
  readonly baselineHeapMB: number;
}

const MB = 1024 * 1024;

function sleepers(tasks: number, seconds: number): Promise<SleepersResult> {
  collectGarbage();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sample = (): void => {
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
  };
  const sampler = setInterval(sample, 5);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    let asleep = 0;
    let awake = 0;
    const allAwake = new Queue<void>(1);
    run(
      function* (): Operation<void> {
        for (let i = 0; i < tasks; i++) {
          yield* spawn(function* (): Operation<void> {
            asleep++;
            yield* sleep(seconds);
            if (++awake === tasks) yield* allAwake.put();
          });
        }
        sample(); // all spawned (most already asleep)
        yield* sleep(seconds / 2);
        if (asleep !== tasks) throw new Error(`only ${asleep} of ${tasks} tasks were asleep half-way`);
        sample(); // all asleep
        yield* allAwake.get();
        sample();
      },
      (outcome) => {
        const wallMs = performance.now() - started;
        const cpuUsed = cpuMs(cpu);
        clearInterval(sampler);
        sample();
        if (!outcome.ok) reject(outcome.error);
        else resolve({ wallMs, cpuMs: cpuUsed, peakHeapMB: peak / MB, baselineHeapMB: baseline / MB });
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** A full GC between measurements, with or without `--expose-gc`. */
const gc: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

function collectGarbage(): void {
  gc();
  gc();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface Variant {
  readonly name: string;
  readonly pingPong: (messages: number) => Promise<Timing>;
}

const VARIANTS: readonly Variant[] = [
  { name: "ours (generator loop, Queue)", pingPong: pingPongOurs },
  { name: "native async/await + Promise queue", pingPong: pingPongNative },
  { name: "effection v4 (createQueue)", pingPong: pingPongEffection },
];

interface VariantResult {
  readonly name: string;
  readonly roundsMs: number[];
  readonly roundsCpuMs: number[];
  readonly medianMs: number;
  readonly handoffsPerSecond: number;
}

export interface LoopBenchResults {
  readonly node: string;
  readonly pingPong: {
    readonly messages: number;
    readonly rounds: number;
    readonly variants: readonly VariantResult[];
    readonly oursOverNative: number;
    /** The median over rounds of native's CPU time over ours (a round of each, side by side). */
    readonly oursOverNativeCpu: number;
    readonly oursOverEffection: number;
    readonly goal: { readonly oursOverNative: number; readonly met: boolean };
  };
  readonly sleepers: {
    readonly tasks: number;
    readonly sleepSeconds: number;
    readonly rounds: number;
    readonly wallMs: number;
    readonly cpuMs: number;
    readonly peakHeapMB: number;
    readonly baselineHeapMB: number;
    readonly goal: { readonly wallMs: number; readonly peakHeapMB: number; readonly met: boolean };
  };
}

export async function benchLoop(options: { messages: number; rounds: number; tasks: number }): Promise<LoopBenchResults> {
  const { messages, rounds, tasks } = options;

  // Warm up every variant (JIT, inline caches) before anything counts.
  for (let i = 0; i < 2; i++) for (const variant of VARIANTS) await variant.pingPong(Math.min(messages, 200_000));

  const roundsMs: number[][] = VARIANTS.map(() => []);
  const roundsCpuMs: number[][] = VARIANTS.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, variant] of VARIANTS.entries()) {
      collectGarbage();
      const timing = await variant.pingPong(messages);
      roundsMs[index].push(timing.ms);
      roundsCpuMs[index].push(timing.cpuMs);
    }
  }
  const variants = VARIANTS.map((variant, index) => {
    const medianMs = median(roundsMs[index]);
    return { name: variant.name, roundsMs: roundsMs[index], roundsCpuMs: roundsCpuMs[index], medianMs, handoffsPerSecond: messages / (medianMs / 1000) };
  });
  const [ours, native, effection] = variants;
  const oursOverNative = ours.handoffsPerSecond / native.handoffsPerSecond;
  const oursOverNativeCpu = median(ours.roundsCpuMs.map((cpu, round) => native.roundsCpuMs[round] / cpu));

  // Sleepers: a small warm-up, then a few rounds (median wall time, highest peak).
  const sleepSeconds = 0.1;
  await sleepers(Math.min(tasks, 10_000), sleepSeconds);
  const sleeperRuns: SleepersResult[] = [];
  const sleeperRounds = 3;
  for (let i = 0; i < sleeperRounds; i++) sleeperRuns.push(await sleepers(tasks, sleepSeconds));
  const wallMs = median(sleeperRuns.map((r) => r.wallMs));
  const sleepersCpuMs = median(sleeperRuns.map((r) => r.cpuMs));
  const peakHeapMB = Math.max(...sleeperRuns.map((r) => r.peakHeapMB));
  const baselineHeapMB = Math.min(...sleeperRuns.map((r) => r.baselineHeapMB));

  return {
    node: process.version,
    pingPong: {
      messages,
      rounds,
      variants,
      oursOverNative,
      oursOverNativeCpu,
      oursOverEffection: ours.handoffsPerSecond / effection.handoffsPerSecond,
      goal: { oursOverNative: 1.0, met: oursOverNative >= 1.0 },
    },
    sleepers: {
      tasks,
      sleepSeconds,
      rounds: sleeperRounds,
      wallMs,
      cpuMs: sleepersCpuMs,
      peakHeapMB,
      baselineHeapMB,
      goal: { wallMs: 938, peakHeapMB: 115.9, met: wallMs <= 938 && peakHeapMB <= 115.9 },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Printing

function formatRate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : `${(perSecond / 1e3).toFixed(0)} k/s`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("   ")).join("\n");
}

function report(results: LoopBenchResults): string {
  const { pingPong, sleepers: sleep } = results;
  const mark = (met: boolean): string => (met ? "met" : "NOT met");
  const lines = [
    `Event loop benchmark (Node ${results.node})`,
    "",
    `Ping-pong: ${pingPong.messages.toLocaleString("en")} hand-offs (${(pingPong.messages / 2).toLocaleString("en")} round trips) through two queues; median of ${pingPong.rounds} alternating rounds`,
    table([
      ["variant", "median", "hand-offs/s", "rounds (ms)", "CPU per round (ms)"],
      ...pingPong.variants.map((v) => [
        v.name,
        `${v.medianMs.toFixed(0)} ms`,
        formatRate(v.handoffsPerSecond),
        v.roundsMs.map((ms) => ms.toFixed(0)).join(" "),
        v.roundsCpuMs.map((ms) => ms.toFixed(0)).join(" "),
      ]),
    ]),
    `ours / native:    ${pingPong.oursOverNative.toFixed(2)}×   (goal ≥ ${pingPong.goal.oursOverNative.toFixed(1)}×: ${mark(pingPong.goal.met)})`,
    `ours / native by CPU time (median of per-round ratios): ${pingPong.oursOverNativeCpu.toFixed(2)}×`,
    `ours / effection: ${pingPong.oursOverEffection.toFixed(2)}×`,
    "",
    `Sleepers: ${sleep.tasks.toLocaleString("en")} tasks each sleeping ${sleep.sleepSeconds} s on our loop (${sleep.rounds} rounds)`,
    table([
      ["measure", "value", "goal"],
      ["wall time (median)", `${sleep.wallMs.toFixed(0)} ms`, `≤ ${sleep.goal.wallMs} ms`],
      ["CPU time (median)", `${sleep.cpuMs.toFixed(0)} ms`, ""],
      ["peak heapUsed (max)", `${sleep.peakHeapMB.toFixed(1)} MB`, `≤ ${sleep.goal.peakHeapMB} MB`],
      ["heapUsed before", `${sleep.baselineHeapMB.toFixed(1)} MB`, ""],
    ]),
    `goals: ${mark(sleep.goal.met)}`,
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      messages: { type: "string", default: "1000000" },
      rounds: { type: "string", default: "5" },
      tasks: { type: "string", default: "100000" },
    },
  });
  const messages = Number(values.messages);
  if (!Number.isInteger(messages) || messages < 2 || messages % 2 !== 0) throw new Error(`--messages must be an even integer >= 2, got ${values.messages}`);
  const results = await benchLoop({ messages, rounds: Number(values.rounds), tasks: Number(values.tasks) });
  process.stdout.write(values.json ? `${JSON.stringify(results)}\n` : `${report(results)}\n`);
}

if (import.meta.filename === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`loop benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
