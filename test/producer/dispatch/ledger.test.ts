import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CallFailure } from "../../../src/producer/dispatch/client.js";
import type { ProducerEvent } from "../../../src/producer/dispatch/events.js";
import { Ledger } from "../../../src/producer/dispatch/ledger.js";
import { makeTask, type RpcTask } from "../../../src/producer/dispatch/rpc-task.js";

function recordingLedger(maxAttempts = 3) {
  const events: ProducerEvent[] = [];
  let settled = 0;
  const ledger = new Ledger({ log: (event) => events.push(event) }, maxAttempts, ["a", "b"], {
    completed: () => {},
    settled: () => settled++,
  });
  return { ledger, events, settled: () => settled };
}

const refused: CallFailure = { reason: "refused", message: "connection refused by a", transport: true, retryable: true };
const badArgument: CallFailure = { reason: "bad_argument", message: "ERROR bad_argument: no", transport: false, retryable: false };

describe("the ledger", () => {
  it("logs a task's life and counts it once", () => {
    const { ledger, events } = recordingLedger();
    const task = makeTask(1, "system", "ping", "");
    ledger.queued(task, 1);
    ledger.sent(task, "a");
    expect(ledger.callFailed(task, refused)).toBe("retry");
    ledger.sent(task, "b");
    ledger.succeeded(task, "pong");
    expect(events.map((e) => e.event)).toEqual(["task_queued", "task_sent", "task_failed", "task_sent", "task_done"]);
    expect(events[2]).toMatchObject({ id: 1, target: "a", attempt: 1, final: false, reason: "refused" });
    expect(events[3]).toMatchObject({ id: 1, target: "b", attempt: 2 });
    expect(events[4]).toMatchObject({ id: 1, target: "b", result: "pong", attempt: 2 });
    expect(ledger.summary(1)).toMatchObject({ produced: 1, succeeded: 1, failed: 0, lost: 0 });
  });

  it("keeps only the reply's first 200 characters, nothing appended", () => {
    const { ledger, events } = recordingLedger();
    const task = makeTask(1, "fibonacci_generator", "calculate", "5000");
    ledger.queued(task, 1);
    ledger.sent(task, "a");
    ledger.succeeded(task, "7".repeat(1045));
    expect(events.at(-1)).toMatchObject({ result: "7".repeat(200) });
  });

  it("fails a task at once on an error about the request", () => {
    const { ledger } = recordingLedger();
    const task = makeTask(1, "fibonacci_generator", "calculate", "x");
    ledger.queued(task, 1);
    ledger.sent(task, "a");
    expect(ledger.callFailed(task, badArgument)).toBe("final");
    expect(ledger.summary(1)).toMatchObject({ failed: 1, failures: { bad_argument: 1 }, per_target: { a: { failed: 1 } } });
  });
});

describe("the ledger under random events (property)", () => {
  type Step =
    | { kind: "produce" }
    | { kind: "send"; task: number; target: "a" | "b" }
    | { kind: "reply"; task: number }
    | { kind: "fail"; task: number; failure: CallFailure }
    | { kind: "expire"; task: number; reason: "no_consumer" | "shutdown" };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.constant<Step>({ kind: "produce" }),
    fc.record({ kind: fc.constant("send" as const), task: fc.nat(9), target: fc.constantFrom("a" as const, "b" as const) }),
    fc.record({ kind: fc.constant("reply" as const), task: fc.nat(9) }),
    fc.record({ kind: fc.constant("fail" as const), task: fc.nat(9), failure: fc.constantFrom(refused, badArgument) }),
    fc.record({ kind: fc.constant("expire" as const), task: fc.nat(9), reason: fc.constantFrom("no_consumer" as const, "shutdown" as const) }),
  );

  it("ends every task in exactly one final state, and the accounting closes", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), fc.integer({ min: 1, max: 3 }), (steps, maxAttempts) => {
        const { ledger, events, settled } = recordingLedger(maxAttempts);
        const tasks: RpcTask[] = [];
        // Where each task is, as the producer would know it: only legal moves are played.
        const where = new Map<number, "queued" | "sent" | "final">();
        for (const s of steps) {
          if (s.kind === "produce") {
            const task = makeTask(tasks.length + 1, "system", "ping", "");
            tasks.push(task);
            where.set(task.id, "queued");
            ledger.queued(task, 1);
            continue;
          }
          const task = tasks[s.task];
          if (task === undefined) continue;
          const state = where.get(task.id);
          if (s.kind === "send" && state === "queued") {
            ledger.sent(task, s.target);
            where.set(task.id, "sent");
          } else if (s.kind === "reply" && state === "sent") {
            ledger.succeeded(task, "pong");
            where.set(task.id, "final");
          } else if (s.kind === "fail" && state === "sent") {
            where.set(task.id, ledger.callFailed(task, s.failure) === "retry" ? "queued" : "final");
          } else if (s.kind === "expire") {
            ledger.expire(task, s.reason); // a no-op unless queued
            if (state === "queued") where.set(task.id, "final");
          }
        }
        ledger.abortAll("shutdown");

        const finals = new Map<number, number>();
        for (const e of events) {
          const final = e.event === "task_done" || (e.event === "task_failed" && e.final);
          if (final) finals.set(e.id, (finals.get(e.id) ?? 0) + 1);
        }
        for (const task of tasks) expect(finals.get(task.id), `task ${task.id}`).toBe(1);
        const summary = ledger.summary(1);
        expect(summary.lost).toBe(0);
        expect(summary.produced).toBe(tasks.length);
        expect(summary.succeeded + summary.failed).toBe(tasks.length);
        expect(settled()).toBe(tasks.length);
        expect(ledger.pendingCount).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});
