/**
 * The producer, put together: the client payload puts tasks into one bounded queue, one
 * `RpcWorker` per consumer takes them, the ledger accounts for every one. `run()` is the root
 * operation; it ends when the payload is done (or stopped) and every task it made is final.
 *
 *     clientPayload ──put──▶ Queue<RpcTask> ──get──▶ RpcWorker ×N ──RpcClient.call──▶ consumers
 *
 * Stopping: `requestShutdown()` (the first SIGINT/SIGTERM) stops the payload, fails the queued
 * tasks with `shutdown` and lets the calls in flight finish or time out. `abort()` (the second
 * signal) fails everything not final at once and returns the summary to print before exiting.
 */
import { Queue, sleep, spawn, type Operation } from "../../loop/index.js";
import { RpcClient } from "./client.js";
import type { Summary } from "./events.js";
import { Ledger } from "./ledger.js";
import type { Logger } from "../telemetry/log.js";
import { clientPayload, type PayloadOptions } from "../intake/payload.js";
import type { RpcTask } from "./rpc-task.js";
import { LiveStats } from "../telemetry/stats.js";
import type { TargetAddress } from "./targets.js";
import { TaskQueue } from "./task-queue.js";
import { RpcWorker } from "./worker.js";

export interface ProducerOptions extends Omit<PayloadOptions, "gap"> {
  readonly targets: readonly TargetAddress[];
  /** Seconds to produce for; `undefined` for no limit. */
  readonly duration: number | undefined;
  /** Seconds a whole call may take. */
  readonly timeout: number;
  readonly retries: number;
  readonly queueLimit: number;
  /** Seconds a task may wait in the queue while no consumer is up. */
  readonly queueTimeout: number;
  /** Seconds between two `stats` events; 0 for none. */
  readonly statsEvery: number;
  /** Longest reply taken from a consumer, in bytes; a longer one fails its task with `too_large`. */
  readonly maxReplyBytes?: number;
  readonly gap?: PayloadOptions["gap"];
  /** Told the queue depth and the calls in flight every `every` seconds (the HTML report's samples). */
  readonly queueObserver?: QueueObserver;
}

/** Watches the queue on a fixed interval. */
export interface QueueObserver {
  /** Seconds between two samples. */
  readonly every: number;
  sample(queueDepth: number, inFlight: number): void;
}

type Control = { readonly kind: "payload_done" } | { readonly kind: "settled" } | { readonly kind: "shutdown"; readonly signal: string };

export class Producer {
  private readonly queue: TaskQueue;
  private readonly ledger: Ledger;
  private readonly stats: LiveStats;
  private readonly workers: RpcWorker[];
  /** Wakes `run()`: the payload finished, a task settled, or a signal came. */
  private readonly control = new Queue<Control>();
  private readonly startedAt = performance.now();
  private stopping = false;

  constructor(
    private readonly options: ProducerOptions,
    private readonly log: Logger,
  ) {
    const names = options.targets.map((target) => target.name);
    this.queue = new TaskQueue(options.queueLimit, (target) => this.workers.some((worker) => worker.up && worker.target !== target));
    this.stats = new LiveStats(names);
    this.ledger = new Ledger(log, options.retries + 1, names, {
      completed: (target, latencyMs) => this.stats.callCompleted(target, latencyMs),
      settled: () => this.control.offer({ kind: "settled" }),
    });
    const context = { ledger: this.ledger, stats: this.stats, log, targetDown: () => this.targetDown() };
    this.workers = options.targets.map(
      (target) => new RpcWorker(new RpcClient(target.host, target.port, options.timeout, target.name, options.maxReplyBytes), this.queue, context),
    );
  }

  /** The whole run; returns the summary. Halting it halts everything it started. */
  *run(): Operation<Summary> {
    for (const worker of this.workers) yield* spawn(() => worker.handleTasks());
    yield* spawn(() => this.expireWhenNoConsumer());
    if (this.options.statsEvery > 0) yield* spawn(() => this.reportStats());
    const observer = this.options.queueObserver;
    if (observer !== undefined) yield* spawn(() => this.sampleQueue(observer));

    // Joined by nobody, so an error of the payload is thrown into this task and fails the run.
    const payload = yield* spawn(() => this.produce());

    let payloadDone = false;
    while (!payloadDone || this.ledger.pendingCount > 0) {
      const event = yield* this.control.get();
      if (event.kind === "payload_done") payloadDone = true;
      if (event.kind === "shutdown" && !this.stopping) {
        this.stopping = true;
        this.ledger.retrying = false;
        // Take the queued tasks (and one waiting to be put) out first, so halting the payload loses none.
        const queued = this.queue.removeWhere(() => true);
        payload.halt();
        payloadDone = true;
        this.log.log({ event: "shutdown", signal: event.signal, queued: queued.length, in_flight: this.ledger.inFlight, forced: false });
        for (const task of queued) this.ledger.expire(task, "shutdown");
      }
    }
    return this.summary();
  }

  /** Tasks waiting in the queue now. */
  get queueDepth(): number {
    return this.queue.size;
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.ledger.inFlight;
  }

  /** The first SIGINT/SIGTERM: stop producing, drain what is in flight. Safe to call from a signal handler. */
  requestShutdown(signal: string): void {
    this.control.offer({ kind: "shutdown", signal });
  }

  /** The second signal: everything not final fails with `shutdown` now. Returns the summary. */
  abort(signal: string): Summary {
    this.log.log({ event: "shutdown", signal, queued: this.queue.size, in_flight: this.ledger.inFlight, forced: true });
    this.ledger.abortAll("shutdown");
    return this.summary();
  }

  private summary(): Summary {
    return this.ledger.summary((performance.now() - this.startedAt) / 1000);
  }

  private *produce(): Operation<void> {
    yield* clientPayload(this.queue.tasks, this.payloadOptions(), this.payloadEvents());
    this.control.offer({ kind: "payload_done" });
  }

  private payloadOptions(): PayloadOptions {
    const { duration } = this.options;
    return {
      ...this.options,
      stopAt: duration === undefined ? undefined : this.startedAt + duration * 1000,
    };
  }

  private payloadEvents() {
    return {
      produced: (task: RpcTask, depth: number) => {
        this.stats.taskProduced();
        this.ledger.queued(task, depth);
      },
      blocked: (limit: number) => this.log.log({ event: "queue_full", queue_limit: limit }),
      unblocked: (seconds: number) => this.log.log({ event: "queue_has_room", blocked_s: Math.round(seconds * 10) / 10 }),
      dropped: (task: RpcTask) => this.ledger.expire(task, "shutdown"),
    };
  }

  private targetDown(): void {
    this.queue.targetDown();
    // Said at once, so a user whose only consumer is down knows what will happen and when.
    if (!this.workers.some((worker) => worker.up)) this.log.log({ event: "no_target_up", queue_timeout_s: this.options.queueTimeout });
  }

  /** While no consumer is up, a queued task waits at most `queueTimeout`, then fails with `no_consumer`. */
  private *expireWhenNoConsumer(): Operation<void> {
    const limitMs = this.options.queueTimeout * 1000;
    let allDownSince: number | undefined;
    for (;;) {
      yield* sleep(Math.min(0.1, this.options.queueTimeout / 4));
      if (this.workers.some((worker) => worker.up)) {
        allDownSince = undefined;
        continue;
      }
      const now = performance.now();
      const since = (allDownSince ??= now);
      const expired = this.queue.removeWhere((task) => now - Math.max(this.ledger.queuedAt(task), since) >= limitMs);
      for (const task of expired) this.ledger.expire(task, "no_consumer");
    }
  }

  private *sampleQueue(observer: QueueObserver): Operation<void> {
    for (;;) {
      observer.sample(this.queue.size, this.ledger.inFlight);
      yield* sleep(observer.every);
    }
  }

  private *reportStats(): Operation<void> {
    const up = new Map(this.workers.map((worker) => [worker.target, worker]));
    for (;;) {
      yield* sleep(this.options.statsEvery);
      this.log.log(this.stats.snapshot(this.queue.size, this.ledger.inFlight, (target) => up.get(target)?.up ?? false));
    }
  }
}
