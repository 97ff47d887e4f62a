/**
 * The simulated clients, the producer's first intake: `ClientPayload` puts a task into the queue
 * at the pace a load profile sets (profiles.ts), until it has made `tasks` of them or its
 * `duration` is over (or forever). One seeded faker draws the tasks — the kind, Fibonacci's N,
 * the sentences — so a seed gives the same task stream every time, whatever the profile (the
 * profiles draw their gaps from their own stream).
 */
import type { Faker } from "@faker-js/faker";
// Not the package's index: it loads all 70 locales (~30 MB of RSS). The English entry exports
// only a ready instance, but its class and merged definitions (English over base, as the index's
// `[en, base]`) make a seeded Faker of the same locale: the same stream for a seed.
import { faker as english } from "@faker-js/faker/locale/en";
import { sleep, type Operation } from "../../loop/index.js";
import type { Inbox, Intake } from "../dispatch/intake.js";
import { makeRequest, type TaskOrigin, type TaskRequest } from "../dispatch/rpc-task.js";
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
  /** Seconds to make tasks for, from the start of the run; `undefined` for no limit. */
  readonly duration?: number | undefined;
  /** Seconds to wait before the next task, given the task's index (profiles.ts); the constant gap by default. */
  readonly gap?: (index: number) => number;
}

const EnglishFaker = english.constructor as typeof Faker;

/** How far behind its schedule the payload may fall and still catch up. */
const MAX_CATCH_UP_MS = 250;

/** Every payload task comes from the same place: no client to answer, the summary is the answer. */
const PAYLOAD: TaskOrigin = { source: "payload" };

/** A seeded source of task requests, usable without the loop (the tests read streams from it). */
export class TaskSource {
  readonly faker: Faker;

  constructor(private readonly options: Omit<PayloadOptions, "gap" | "tasks">) {
    this.faker = new EnglishFaker({ locale: english.rawDefinitions, seed: options.seed });
  }

  next(): TaskRequest {
    const { faker, options } = this;
    if (options.sleepMs !== undefined) return makeRequest("system", "sleep", String(options.sleepMs));
    if (faker.number.float({ min: 0, max: 1 }) < options.fibShare) {
      const n = faker.number.int({ min: options.fibMin, max: options.fibMax });
      return makeRequest("fibonacci_generator", "calculate", String(n));
    }
    return makeRequest("neural_analyzer", "polarity", englishSentence(faker));
  }
}

/**
 * The payload as an intake: makes tasks and puts them into the inbox, waiting while the queue is
 * full (backpressure).
 *
 * @example
 * const payload = new ClientPayload({ interval: 0.5, fibShare: 0.5, fibMin: 100, fibMax: 10000, seed: 0, tasks: 50 });
 * new Producer(options, [payload], events.emit);
 */
export class ClientPayload implements Intake {
  readonly name = "payload";

  constructor(private readonly options: PayloadOptions) {}

  *run(inbox: Inbox): Operation<void> {
    const { options } = this;
    const source = new TaskSource(options);
    const gap = options.gap ?? (() => options.interval);
    const { tasks, duration } = options;
    const stopAt = duration === undefined ? undefined : performance.now() + duration * 1000;
    const timeLeft = (): number => (stopAt === undefined ? Infinity : (stopAt - performance.now()) / 1000);
    // Each task is due at a time (the sum of the gaps before it), and the payload sleeps until then
    // rather than for the gap: a timer fires a millisecond or so late, and at small gaps those
    // late starts would add up to a rate well below the profile's.
    let due = performance.now();
    for (let index = 0; (tasks === undefined || index < tasks) && timeLeft() > 0; index++) {
      yield* inbox.put(source.next(), PAYLOAD);
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
}
