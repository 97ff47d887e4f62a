// The queue's door for intakes: numbering, accounting, backpressure told calmly, offer and cancel.
import { describe, expect, it } from "vitest";
import { sleep, spawn } from "../../../src/loop/index.js";
import type { ProducerEvent } from "../../../src/producer/dispatch/events.js";
import { TaskInbox } from "../../../src/producer/dispatch/inbox.js";
import { Ledger } from "../../../src/producer/dispatch/ledger.js";
import { makeRequest, type TaskOutcome } from "../../../src/producer/dispatch/rpc-task.js";
import { TaskQueue } from "../../../src/producer/dispatch/task-queue.js";
import { ClientPayload } from "../../../src/producer/intake/payload.js";
import { runValue } from "../../loop/run-loop.js";

function inboxWith(limit: number) {
  const events: ProducerEvent[] = [];
  const queue = new TaskQueue(limit, () => false);
  const ledger = new Ledger((event) => events.push(event), 3);
  const serve = () => {
    throw new Error("no exchanges in these tests");
  };
  return { inbox: new TaskInbox(queue, ledger, (event) => events.push(event), serve), queue, ledger, events };
}

const ping = makeRequest("system", "ping", "");
const PAYLOAD = { source: "payload" };

describe("the inbox", () => {
  it("numbers tasks 1, 2, 3… whichever intake made them, so ids are unique in a run", () => {
    const { inbox, events } = inboxWith(10);
    const ids = [inbox.offer(ping, PAYLOAD), inbox.offer(ping, { source: "listen", client: "127.0.0.1:5000" }), inbox.offer(ping, PAYLOAD)].map((t) => t?.id);
    expect(ids).toEqual([1, 2, 3]);
    expect(events.map((e) => e.event === "task_queued" && [e.id, e.queue_depth, e.source, e.client])).toEqual([
      [1, 1, "payload", undefined],
      [2, 2, "listen", "127.0.0.1:5000"],
      [3, 3, "payload", undefined],
    ]);
  });

  it("offers nothing when the queue is full (a front door answers unavailable at once), and logs nothing", () => {
    const { inbox, events } = inboxWith(1);
    expect(inbox.offer(ping, PAYLOAD)).toBeDefined();
    expect(inbox.offer(ping, PAYLOAD)).toBeUndefined();
    expect(events.filter((e) => e.event === "task_queued")).toHaveLength(1);
  });

  it("cancels a task not sent yet (its client went away): task_failed cancelled, told to its origin", () => {
    const { inbox, queue, events } = inboxWith(10);
    const told: TaskOutcome[] = [];
    const task = inbox.offer(ping, { source: "http", client: "127.0.0.1:5001", answer: (outcome) => told.push(outcome) })!;
    expect(inbox.cancel(task)).toBe(true);
    expect(inbox.cancel(task)).toBe(false);
    expect(queue.size).toBe(0);
    expect(events.at(-1)).toMatchObject({ event: "task_failed", id: task.id, reason: "cancelled", final: true });
    expect(told).toEqual([{ ok: false, reason: "cancelled", error: "cancelled", target: null, attempts: 0 }]);
  });

  it("says the queue is full once per episode: 'has room' only when it fell below 90 % of the limit", async () => {
    const { inbox, queue, events } = inboxWith(10);
    await runValue(function* () {
      // A consumer a little slower than the payload, in uneven steps: the queue fills, then
      // hovers at its limit, now and then one below it.
      yield* spawn(function* () {
        for (let i = 0; ; i++) {
          yield* queue.tasks.get();
          yield* sleep(i % 2 === 0 ? 0.001 : 0.009);
        }
      });
      yield* new ClientPayload({ interval: 0.004, fibShare: 0.5, fibMin: 1, fibMax: 9, seed: 0, tasks: 120 }).run(inbox);
    });
    const said = events.filter((e) => e.event === "queue_full" || e.event === "queue_has_room");
    expect(said.filter((e) => e.event === "queue_full")).toEqual([{ event: "queue_full", queue_limit: 10 }]);
    // Any "has room" came with a task queued below 9.
    for (const e of said.filter((e) => e.event === "queue_has_room")) {
      const next = events[events.indexOf(e) + 1] as Extract<ProducerEvent, { event: "task_queued" }>;
      expect(next.queue_depth).toBeLessThanOrEqual(9);
    }
  });

  it("fails a task with shutdown when its intake is halted while waiting for room: it never enters the queue", async () => {
    const { inbox, queue, ledger, events } = inboxWith(1);
    await runValue(function* () {
      const intake = yield* spawn(function* () {
        yield* inbox.put(ping, PAYLOAD);
        yield* inbox.put(ping, PAYLOAD); // waits: the queue is full
      });
      yield* sleep(0.01);
      intake.halt();
    });
    expect(queue.size).toBe(1);
    expect(events.at(-1)).toMatchObject({ event: "task_failed", id: 2, reason: "shutdown", target: null, final: true });
    expect(ledger.counts()).toEqual({ produced: 2, succeeded: 0, failed: 1, lost: 1 });
  });
});
