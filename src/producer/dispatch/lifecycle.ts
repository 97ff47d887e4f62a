/**
 * The life of one task, as a small state machine (every request reaches a final state):
 *
 *     queued ──send──▶ sent(target, attempt) ──reply──────────────▶ done
 *       ▲                 │ ──call failed, final or out of tries──▶ failed(final)
 *       └──call failed, may retry (task_failed final: false)──┘
 *     queued ──expire (no_consumer | shutdown)──▶ failed(final)
 *     sent   ──abort (forced exit)──────────────▶ failed(final)
 *
 * `advance` is pure: it returns the next state or throws `LifecycleError` for a transition that
 * must never happen (a reply to a task that was not sent, anything after a final state).
 */

export type TaskState =
  | { readonly kind: "queued"; readonly attempts: number; readonly lastTarget: string | null }
  | { readonly kind: "sent"; readonly target: string; readonly attempt: number }
  | { readonly kind: "done"; readonly target: string; readonly attempt: number }
  | { readonly kind: "failed"; readonly target: string | null; readonly attempt: number; readonly reason: string };

export type TaskEvent =
  | { readonly kind: "send"; readonly target: string }
  | { readonly kind: "reply" }
  /** The call failed; `retryable` says whether the failure is worth another attempt at all. */
  | { readonly kind: "callFailed"; readonly reason: string; readonly retryable: boolean }
  /** A queued task is given up: nobody could take it in time, or the producer is shutting down. */
  | { readonly kind: "expire"; readonly reason: "no_consumer" | "shutdown" }
  /** An in-flight task is given up (the producer exits at once). */
  | { readonly kind: "abort"; readonly reason: string };

export interface RetryPolicy {
  /** Attempts allowed in all: `--retries` + 1. */
  readonly maxAttempts: number;
  /** False while shutting down: a failed call is then final. */
  readonly retrying: boolean;
}

export class LifecycleError extends Error {
  override readonly name = "LifecycleError";
}

export const INITIAL_STATE: TaskState = { kind: "queued", attempts: 0, lastTarget: null };

export function isFinal(state: TaskState): boolean {
  return state.kind === "done" || state.kind === "failed";
}

export function advance(state: TaskState, event: TaskEvent, policy: RetryPolicy): TaskState {
  switch (state.kind) {
    case "queued":
      if (event.kind === "send") return { kind: "sent", target: event.target, attempt: state.attempts + 1 };
      if (event.kind === "expire") return { kind: "failed", target: state.lastTarget, attempt: state.attempts, reason: event.reason };
      break;
    case "sent":
      if (event.kind === "reply") return { kind: "done", target: state.target, attempt: state.attempt };
      if (event.kind === "callFailed") {
        const retry = event.retryable && policy.retrying && state.attempt < policy.maxAttempts;
        if (retry) return { kind: "queued", attempts: state.attempt, lastTarget: state.target };
        return { kind: "failed", target: state.target, attempt: state.attempt, reason: event.reason };
      }
      if (event.kind === "abort") return { kind: "failed", target: state.target, attempt: state.attempt, reason: event.reason };
      break;
    case "done":
    case "failed":
      break;
  }
  throw new LifecycleError(`a task in state ${state.kind} cannot take the event ${event.kind}`);
}
