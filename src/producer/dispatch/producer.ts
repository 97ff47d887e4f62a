/**
 * The producer, put together: intakes put tasks into one bounded queue, one `RpcWorker` per
 * consumer takes them, the ledger accounts for every one, and everything that happens is emitted
 * as one stream of `ProducerEvent`s. `run()` is the root operation; it ends when every intake is
 * done (or stopped) and every task is final.
 *
 *     intakes ──Inbox.put──▶ TaskQueue ──next──▶ RpcWorker ×N ──RpcClient.call──▶ consumers
 *                                  └────────── ProducerEvent ──────────▶ logs, stats, report
 *
 * Stopping: `requestShutdown()` (the first SIGINT/SIGTERM) halts the intakes, fails the queued
 * tasks with `shutdown` and lets the calls in flight finish or time out. `abort()` (the second
 * signal) fails everything not final at once.
 *
 * Errors never vanish: an intake, a worker or a sampler that throws is joined by nobody, so its
 * error is thrown into `run()`, which fails — the program prints the stack and exits non-zero.
 */
import { Queue, sleep, spawn, type Operation, type Task } from "../../loop/index.js";
import { RpcClient } from "./client.js";
import type { Emit } from "./events.js";
import { TaskInbox } from "./inbox.js";
import type { Intake } from "./intake.js";
import { Ledger, type RunCounts } from "./ledger.js";
import { TaskQueue } from "./task-queue.js";
import type { TargetAddress } from "./targets.js";
import { RpcWorker } from "./worker.js";

export interface DispatchOptions {
  readonly targets: readonly TargetAddress[];
  /** Seconds a whole call may take. */
  readonly timeout: number;
  readonly retries: number;
  readonly queueLimit: number;
  /** Seconds a task may wait in the queue while no consumer is up. */
  readonly queueTimeout: number;
  /** Longest reply taken from a consumer, in bytes; a longer one fails its task with `too_large`. */
  readonly maxReplyBytes?: number;
}

/** The producer's state now, as a sampler reads it. */
export interface Gauges {
  readonly queueDepth: number;
  readonly inFlight: number;
  isUp(target: string): boolean;
}

/** Reads the gauges every `every` seconds (the live stats, the HTML report's samples). */
export interface Sampler {
  /** Its task's name in traces (`stats`). */
  readonly name?: string;
  readonly every: number;
  sample(gauges: Gauges): void;
}

type Control =
  | { readonly kind: "intake_done" }
  /** Every task made so far is final, or every exchange has ended: `run()` checks whether it is over. */
  | { readonly kind: "idle" }
  | { readonly kind: "shutdown"; readonly signal: string };

const INTAKE_DONE: Control = { kind: "intake_done" };
const IDLE: Control = { kind: "idle" };

export class Producer {
  private readonly queue: TaskQueue;
  private readonly ledger: Ledger;
  private readonly inbox: TaskInbox;
  private readonly workers: RpcWorker[];
  /**
   * Wakes `run()`: an intake finished, the last pending task settled, the last exchange ended, or a
   * signal came. Not at every task or exchange: `run()` waits for the count of each to reach 0, and
   * a wake per request was a task switch per request on the gateway's hottest path.
   */
  private readonly control = new Queue<Control>(Infinity, "control");
  /** The producer's state now, for a sampler or a front door's /healthz, /stats, /metrics. */
  readonly gauges: Gauges;
  /** Clients' exchanges waiting to start (Inbox.serve), and how many have started and not ended. */
  private readonly exchanges = new Queue<{ readonly exchange: () => Operation<void>; readonly name: string | undefined }>(Infinity, "exchanges");
  private exchangesRunning = 0;
  private stopping = false;

  constructor(
    private readonly options: DispatchOptions,
    private readonly intakes: Intake[],
    private readonly emit: Emit,
    private readonly samplers: readonly Sampler[] = [],
  ) {
    this.queue = new TaskQueue(options.queueLimit, (target) => this.workers.some((worker) => worker.up && worker.target !== target));
    this.ledger = new Ledger(emit, options.retries + 1, () => {
      if (this.ledger.pendingCount === 0) this.control.offer(IDLE);
    });
    this.inbox = new TaskInbox(this.queue, this.ledger, emit, (exchange, name) => {
      this.exchangesRunning++;
      this.exchanges.offer({ exchange, name });
    });
    const context = { ledger: this.ledger, emit, targetDown: () => this.targetDown() };
    this.workers = options.targets.map(
      (target) => new RpcWorker(new RpcClient(target.host, target.port, options.timeout, target.name, options.maxReplyBytes), this.queue, context),
    );
    const up = new Map(this.workers.map((worker) => [worker.target, worker]));
    const { queue, ledger } = this;
    this.gauges = {
      get queueDepth() {
        return queue.size;
      },
      get inFlight() {
        return ledger.inFlight;
      },
      isUp: (target) => up.get(target)?.up ?? false,
    };
  }

  /** The whole run; returns its counts. Halting it halts everything it started. */
  *run(): Operation<RunCounts> {
    // Each task is named by its role: traces (DEBUG=loop, --trace) show these names.
    for (const worker of this.workers) yield* spawn(() => worker.handleTasks(), `worker ${worker.target}`);
    yield* spawn(() => this.expireWhenNoConsumer(), "queue timeout");
    for (const sampler of this.samplers) yield* spawn(() => this.sample(sampler), sampler.name ?? "sampler");
    yield* spawn(() => this.runExchanges(), "exchanges");

    // Joined by nobody, so an intake's error is thrown into this task and fails the run.
    const intakes: Task<void>[] = [];
    for (const intake of this.intakes) intakes.push(yield* spawn(() => this.take(intake), intake.name));

    let running = intakes.length;
    while (running > 0 || this.ledger.pendingCount > 0 || this.exchangesRunning > 0) {
      const event = yield* this.control.get();
      if (event.kind === "intake_done") running--;
      if (event.kind === "shutdown" && !this.stopping) {
        this.stopping = true;
        this.ledger.retrying = false;
        // Take the queued tasks (and those waiting to be put) out first, so halting the intakes loses none.
        const queued = this.queue.removeWhere(() => true);
        for (const intake of intakes) intake.halt();
        running = 0;
        this.emit({ event: "shutdown", signal: event.signal, queued: queued.length, in_flight: this.ledger.inFlight, forced: false });
        for (const task of queued) this.ledger.expire(task, "shutdown");
      }
    }
    return this.ledger.counts();
  }

  /** Adds an intake before the run starts (a front door, once its port is bound). */
  addIntake(intake: Intake): void {
    this.intakes.push(intake);
  }

  /** Tasks waiting in the queue now. */
  get queueDepth(): number {
    return this.queue.size;
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.ledger.inFlight;
  }

  /** The first SIGINT/SIGTERM: stop taking tasks, drain what is in flight. Safe to call from a signal handler. */
  requestShutdown(signal: string): void {
    this.control.offer({ kind: "shutdown", signal });
  }

  /** The second signal: everything not final fails with `shutdown` now. Returns the counts. */
  abort(signal: string): RunCounts {
    this.emit({ event: "shutdown", signal, queued: this.queue.size, in_flight: this.ledger.inFlight, forced: true });
    this.ledger.abortAll("shutdown");
    return this.ledger.counts();
  }

  private *take(intake: Intake): Operation<void> {
    yield* intake.run(this.inbox);
    this.control.offer(INTAKE_DONE);
  }

  /**
   * Starts each client's exchange as a child of this task, not of its intake (Inbox.serve). Joined
   * by nobody: an exchange's error is thrown here, then into `run()`, and fails the run.
   */
  private *runExchanges(): Operation<void> {
    for (;;) {
      const { exchange, name } = yield* this.exchanges.get();
      yield* spawn(() => this.runExchange(exchange), name);
    }
  }

  private *runExchange(exchange: () => Operation<void>): Operation<void> {
    try {
      yield* exchange();
    } finally {
      if (--this.exchangesRunning === 0) this.control.offer(IDLE);
    }
  }

  private targetDown(): void {
    this.queue.targetDown();
    // Said at once, so a user whose only consumer is down knows what will happen and when.
    if (!this.workers.some((worker) => worker.up)) this.emit({ event: "no_target_up", queue_timeout_s: this.options.queueTimeout });
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

  private *sample(sampler: Sampler): Operation<void> {
    for (;;) {
      yield* sleep(sampler.every);
      sampler.sample(this.gauges);
    }
  }
}
