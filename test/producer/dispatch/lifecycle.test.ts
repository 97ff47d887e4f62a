import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advance, INITIAL_STATE, isFinal, LifecycleError, type TaskEvent, type TaskState } from "../../../src/producer/dispatch/lifecycle.js";

const policy = { maxAttempts: 3, retrying: true };

function play(events: TaskEvent[], p = policy): TaskState {
  return events.reduce((state, event) => advance(state, event, p), INITIAL_STATE);
}

describe("a task's lifecycle", () => {
  it("goes queued → sent → done", () => {
    expect(play([{ kind: "send", target: "a" }, { kind: "reply" }])).toEqual({ kind: "done", target: "a", attempt: 1 });
  });

  it("goes back to queued after a retryable failure, then to attempt 2", () => {
    const state = play([
      { kind: "send", target: "a" },
      { kind: "callFailed", reason: "refused", retryable: true },
      { kind: "send", target: "b" },
    ]);
    expect(state).toEqual({ kind: "sent", target: "b", attempt: 2 });
  });

  it("fails at once on an error about the request", () => {
    const state = play([{ kind: "send", target: "a" }, { kind: "callFailed", reason: "bad_argument", retryable: false }]);
    expect(state).toEqual({ kind: "failed", target: "a", attempt: 1, reason: "bad_argument" });
  });

  it("fails when the attempts are used up", () => {
    const fail: TaskEvent = { kind: "callFailed", reason: "timeout", retryable: true };
    const state = play([{ kind: "send", target: "a" }, fail, { kind: "send", target: "b" }, fail, { kind: "send", target: "a" }, fail]);
    expect(state).toEqual({ kind: "failed", target: "a", attempt: 3, reason: "timeout" });
  });

  it("does not retry while shutting down", () => {
    const state = play([{ kind: "send", target: "a" }, { kind: "callFailed", reason: "reset", retryable: true }], { maxAttempts: 3, retrying: false });
    expect(state).toMatchObject({ kind: "failed", reason: "reset" });
  });

  it("expires a queued task, naming the last target it was sent to (null if never sent)", () => {
    expect(play([{ kind: "expire", reason: "no_consumer" }])).toEqual({ kind: "failed", target: null, attempt: 0, reason: "no_consumer" });
    expect(
      play([{ kind: "send", target: "a" }, { kind: "callFailed", reason: "refused", retryable: true }, { kind: "expire", reason: "shutdown" }]),
    ).toEqual({ kind: "failed", target: "a", attempt: 1, reason: "shutdown" });
  });

  it("refuses transitions that must never happen", () => {
    expect(() => play([{ kind: "reply" }])).toThrow(LifecycleError);
    expect(() => play([{ kind: "send", target: "a" }, { kind: "send", target: "b" }])).toThrow(LifecycleError);
    expect(() => play([{ kind: "send", target: "a" }, { kind: "reply" }, { kind: "reply" }])).toThrow(/state done/);
  });
});

describe("a task's lifecycle under random events (property)", () => {
  // The events the world can throw at a task: replies, resets, timeouts, bad requests, shutdown.
  const event = fc.oneof(
    fc.constantFrom<TaskEvent>(
      { kind: "reply" },
      { kind: "callFailed", reason: "reset", retryable: true },
      { kind: "callFailed", reason: "timeout", retryable: true },
      { kind: "callFailed", reason: "internal", retryable: true },
      { kind: "callFailed", reason: "bad_argument", retryable: false },
      { kind: "expire", reason: "no_consumer" },
      { kind: "expire", reason: "shutdown" },
      { kind: "abort", reason: "shutdown" },
    ),
    fc.constantFrom("a", "b").map((target): TaskEvent => ({ kind: "send", target })),
  );

  it("always ends in exactly one final state, within the attempts allowed, and stays there", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), (events, maxAttempts, retrying) => {
        const p = { maxAttempts, retrying };
        let state = INITIAL_STATE;
        let finals = 0;
        for (const e of events) {
          let next: TaskState;
          try {
            next = advance(state, e, p);
          } catch (error) {
            // Only impossible transitions are refused, and a final state refuses everything.
            expect(error).toBeInstanceOf(LifecycleError);
            continue;
          }
          expect(isFinal(state)).toBe(false);
          if (isFinal(next)) finals++;
          const attempts = next.kind === "queued" ? next.attempts : next.attempt;
          expect(attempts).toBeLessThanOrEqual(maxAttempts);
          state = next;
        }
        expect(finals).toBe(isFinal(state) ? 1 : 0);
        // Whatever happened so far, the task can still be brought to a final state.
        const closing: TaskEvent = state.kind === "queued" ? { kind: "expire", reason: "shutdown" } : { kind: "abort", reason: "shutdown" };
        if (!isFinal(state)) expect(isFinal(advance(state, closing, p))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
