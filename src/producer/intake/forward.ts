/**
 * A front door's request, forwarded (PROTOCOL §6): offered to the queue as a task — when the
 * queue is full, the `unavailable` answer comes at once — and answered once the task is final.
 * Shared by `--listen` and `--http`, which differ only in how they notice a client going away:
 * `watchClient` is handed the task's cancel, to call from the socket's callback (a task still
 * queued then ends `cancelled`, and there is nobody to answer). No task watches the client.
 */
import type { Operation } from "../../loop/index.js";
import { InlineEffect, success, type Resume, type Teardown } from "../../loop/effects.js";
import type { RpcRequest } from "../../rpc/index.js";
import type { Inbox } from "../dispatch/intake.js";
import { requestFor, type TaskOrigin, type TaskOutcome } from "../dispatch/rpc-task.js";
import { answerFor, queueFull, type FrontDoorAnswer } from "./answer.js";
import type { FrontDoorOptions } from "./listen.js";

/** The client as a front door knows it: a `Connection`, an `HttpExchange`. */
export interface Client {
  /** `host:port`; read only when a log prints `task_queued` (see PeerName). */
  readonly peer: string;
}

/** The answer for the client, or `undefined` when there is nobody to answer. */
export function* forward(
  inbox: Inbox,
  request: RpcRequest,
  source: string,
  client: Client,
  options: FrontDoorOptions,
  watchClient: (cancel: () => void) => void,
): Operation<FrontDoorAnswer | undefined> {
  const outcome = new OutcomeSlot();
  const task = inbox.offer(requestFor(request), new ClientOrigin(source, client, outcome.tell));
  if (task === undefined) return queueFull(options.queueLimit);
  watchClient(() => inbox.cancel(task));
  return answerFor(yield* outcome, options.queueTimeout);
}

/** A front door's task origin. */
class ClientOrigin implements TaskOrigin {
  readonly client: PeerName;

  constructor(
    readonly source: string,
    from: Client,
    readonly answer: (outcome: TaskOutcome) => void,
  ) {
    this.client = new PeerName(from);
  }
}

/**
 * The client's `host:port`, read from it when printed (ClientName, rpc-task.ts) — by a log that
 * prints `task_queued` — not when the task is made: a quiet gateway never asks.
 */
class PeerName {
  constructor(private readonly client: Client) {}

  toString(): string {
    return this.client.peer;
  }

  toJSON(): string {
    return this.client.peer;
  }
}

/**
 * Where one task's final state waits for its exchange: told once by the ledger — perhaps before
 * anyone waits, when the client went away at once — and taken once, by `yield* slot`. One object
 * per request, the effect and its operation at once; a one-slot `Queue` here cost three FIFOs and
 * two label strings per request, on the gateway's hottest path (docs/BENCHMARKS.md §4). One
 * waiter only, so the wait keeps its state on the slot (an `InlineEffect` shared by several runs
 * must not).
 */
class OutcomeSlot extends InlineEffect<TaskOutcome> {
  readonly label = "answer";
  /** The ledger's `answer` callback (TaskOrigin.answer). */
  readonly tell: (outcome: TaskOutcome) => void;
  private outcome: TaskOutcome | undefined;
  private resume: Resume<TaskOutcome> | undefined;

  constructor() {
    super();
    // Assigned here, not as a class field: see net.ts's Connection (tsx wraps a named arrow field).
    this.tell = (outcome) => {
      this.outcome = outcome;
      this.resume?.(success(outcome));
    };
  }

  enter(resume: Resume<TaskOutcome>): Teardown {
    if (this.outcome !== undefined) resume(success(this.outcome));
    else this.resume = resume;
    // Halted while waiting: a later `tell` calls a stale `resume`, which the loop drops.
    return noop;
  }
}

function noop(): void {}
