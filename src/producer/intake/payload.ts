/**
 * The simulated clients: `clientPayload` puts an `RpcTask` into the task queue at the pace a
 * load profile sets (profiles.ts), until it has made `tasks` of them (or forever). One seeded
 * faker draws the tasks — the kind, Fibonacci's N, the sentences — so a seed gives the same task
 * stream every time, whatever the profile (the profiles draw their gaps from their own stream).
 */
import type { Faker } from "@faker-js/faker";
// Not the package's index: it loads all 70 locales (~30 MB of RSS). The English entry exports
// only a ready instance, but its class and merged definitions (English over base, as the index's
// `[en, base]`) make a seeded Faker of the same locale: the same stream for a seed.
import { faker as english } from "@faker-js/faker/locale/en";
import { sleep, type Operation, type Queue } from "../../loop/index.js";
import { makeTask, type RpcTask } from "../dispatch/rpc-task.js";
import { englishSentence } from "./sentences.js";

export interface PayloadOptions {
  /** Mean seconds between two tasks. */
  readonly interval: number;
  /** Probability that a task is a Fibonacci one (else a polarity one). */
  readonly fibShare: number;
  readonly fibMin: number;
  readonly fibMax: number;
  readonly seed: number;
  /** Make every task `system sleep MS` instead (no CPU: a load whose cost does not depend on the machine's). */
  readonly sleepMs?: number | undefined;
  /** How many tasks to make; `undefined` for no limit. */
  readonly tasks: number | undefined;
  /** When to stop making tasks (a `performance.now()` time); `undefined` for no limit. */
  readonly stopAt?: number | undefined;
  /** Seconds to wait before the next task, given the task's index (profiles.ts); the constant gap by default. */
  readonly gap?: (index: number) => number;
}

const EnglishFaker = english.constructor as typeof Faker;

/**
 * After the queue was full, it "has room" again only below this share of its limit: a queue that
 * hovers at its limit would otherwise say full / has room at every task (hysteresis).
 */
const ROOM_SHARE = 0.9;

/** How far behind its schedule the payload may fall and still catch up. */
const MAX_CATCH_UP_MS = 250;

/** What the payload tells the rest of the producer. */
export interface PayloadEvents {
  /** A task was made and is about to go into the queue (`depth` counts it). */
  produced(task: RpcTask, depth: number): void;
  /** The queue is full: the payload waits for room (told once per episode, with the limit). */
  blocked(limit: number): void;
  /** The queue had room again (below 90 % of its limit) when a task was made, after `blockedSeconds` since it was full. */
  unblocked(blockedSeconds: number): void;
  /** The payload was halted while waiting to put `task`: it never entered the queue. */
  dropped(task: RpcTask): void;
}

/** A seeded source of tasks, usable without the loop (the tests read streams from it). */
export class TaskSource {
  readonly faker: Faker;
  private nextId = 1;

  constructor(private readonly options: Omit<PayloadOptions, "gap" | "tasks">) {
    this.faker = new EnglishFaker({ locale: english.rawDefinitions, seed: options.seed });
  }

  next(): RpcTask {
    const { faker, options } = this;
    const id = this.nextId++;
    if (options.sleepMs !== undefined) return makeTask(id, "system", "sleep", String(options.sleepMs));
    if (faker.number.float({ min: 0, max: 1 }) < options.fibShare) {
      const n = faker.number.int({ min: options.fibMin, max: options.fibMax });
      return makeTask(id, "fibonacci_generator", "calculate", String(n));
    }
    return makeTask(id, "neural_analyzer", "polarity", englishSentence(faker));
  }
}

/**
 * Makes tasks and puts them into `queue`, waiting while it is full (backpressure).
 *
 * @example
 * yield* clientPayload(queue, { interval: 0.5, fibShare: 0.5, fibMin: 100, fibMax: 10000, seed: 0, tasks: 50 }, events);
 */
export function* clientPayload(queue: Queue<RpcTask>, options: PayloadOptions, events: PayloadEvents): Operation<void> {
  const source = new TaskSource(options);
  const gap = options.gap ?? (() => options.interval);
  const { tasks, stopAt } = options;
  const timeLeft = (): number => (stopAt === undefined ? Infinity : (stopAt - performance.now()) / 1000);
  let blockedSince: number | undefined; // set while the queue stays full
  // Each task is due at a time (the sum of the gaps before it), and the payload sleeps until then
  // rather than for the gap: a timer fires a millisecond or so late, and at small gaps those
  // late starts would add up to a rate well below the profile's.
  let due = performance.now();
  for (let index = 0; (tasks === undefined || index < tasks) && timeLeft() > 0; index++) {
    const task = source.next();
    if (queue.waitingGetters > 0 || queue.size < queue.limit) {
      if (blockedSince !== undefined && (queue.waitingGetters > 0 || queue.size < queue.limit * ROOM_SHARE)) {
        events.unblocked((performance.now() - blockedSince) / 1000);
        blockedSince = undefined;
      }
      events.produced(task, queue.waitingGetters > 0 ? 0 : queue.size + 1);
      queue.offer(task);
    } else {
      events.produced(task, queue.size);
      if (blockedSince === undefined) {
        blockedSince = performance.now();
        events.blocked(queue.limit);
      }
      let accepted = false;
      try {
        yield* queue.put(task);
        accepted = true;
      } finally {
        if (!accepted) events.dropped(task);
      }
    }
    if (tasks !== undefined && index + 1 >= tasks) break;
    const now = performance.now();
    // Behind by more than a moment (the queue was full, or the process stalled): start the
    // schedule afresh from now instead of making up for lost time with a burst.
    if (now - due > MAX_CATCH_UP_MS) due = now;
    due += gap(index) * 1000;
    const wait = Math.min((due - now) / 1000, timeLeft());
    if (wait > 0) yield* sleep(wait);
  }
}
