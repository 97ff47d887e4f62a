// A traced producer (PROTOCOL §9): while the loop is recorded each call is a task of its own, and
// its track shows the call and nothing else — every wait of a call task sits between the call's
// `task_sent` and its `task_done` (or `task_failed`), timed here on the loop's own clock.
import { afterEach, describe, expect, it } from "vitest";
import { startTrace } from "../../../src/loop/index.js";
import type { ProducerEvent } from "../../../src/producer/dispatch/events.js";
import { Producer } from "../../../src/producer/dispatch/producer.js";
import { parseTarget } from "../../../src/producer/dispatch/targets.js";
import { ClientPayload } from "../../../src/producer/intake/payload.js";
import { callSentAndDone, callTracks, callWaitsOutsideTheirCall, checkTrace, type CallTrack } from "../../helpers/trace.js";
import { runLoop } from "../../loop/run-loop.js";
import { after, closeFakeConsumers, fakeConsumer } from "../fake-consumer.js";

afterEach(closeFakeConsumers);

/** An event with the moment it was emitted, in the trace's nanoseconds. */
type Timed = Extract<ProducerEvent, { event: "task_sent" | "task_done" | "task_failed" }> & { readonly ns: number };

describe("a traced producer", () => {
  it("puts every wait of a call task between its sent and its done (or failed)", async () => {
    const steady = await fakeConsumer(after(2, "55\n"));
    let errors = 3;
    const flaky = await fakeConsumer(() => (errors-- > 0 ? "ERROR internal: boom\n" : "55\n")); // failed calls, retried elsewhere
    const timed: Timed[] = [];
    const emit = (event: ProducerEvent): void => {
      if (event.event === "task_sent" || event.event === "task_done" || event.event === "task_failed") timed.push({ ...event, ns: Math.round(performance.now() * 1e6) });
    };
    const payload = new ClientPayload({ interval: 0.002, fibShare: 1, fibMin: 10, fibMax: 20, seed: 1, tasks: 16 });
    const producer = new Producer({ targets: [steady, flaky].map((c) => parseTarget(String(c.port))), timeout: 2, retries: 2, queueLimit: 100, queueTimeout: 30 }, [payload], emit);

    const recording = startTrace({ seconds: 10 });
    const outcome = await runLoop(() => producer.run());
    recording.stop();
    expect(outcome).toMatchObject({ ok: true, value: { produced: 16, succeeded: 16, lost: 0 } });
    const trace = recording.toJSON();

    // The n-th track named `call #12 → T` is the n-th task_sent of #12 to T; it ends at the next task_done or task_failed of #12 from T.
    const sent = timed.filter((e) => e.event === "task_sent");
    expect(timed.some((e) => e.event === "task_failed")).toBe(true);
    const calls = callTracks(trace);
    expect(calls.map((c) => c.name).sort()).toEqual(sent.map((e) => `call #${e.id} → ${e.target}`).sort());
    const seen = new Map<string, number>();
    const bounds = (call: CallTrack) => {
      const nth = seen.get(call.name) ?? 0;
      seen.set(call.name, nth + 1);
      const send = sent.filter((e) => `call #${e.id} → ${e.target}` === call.name)[nth]!;
      const end = timed.find((e) => e.event !== "task_sent" && e.id === send.id && e.target === send.target && e.ns > send.ns);
      return { sent: send.ns, done: end?.ns };
    };
    expect(callWaitsOutsideTheirCall(trace, bounds)).toEqual([]);
    expect(calls.every((c) => c.waits.length > 0)).toBe(true);

    // The trace alone tells the same: the step that spawned the call emitted task_sent; the step its end woke, task_done.
    expect(callWaitsOutsideTheirCall(trace)).toEqual([]);
    seen.clear();
    for (const call of calls) {
      const fromTrace = callSentAndDone(trace, call);
      const fromEvents = bounds(call);
      expect(fromTrace.sent!, call.name).toBeLessThanOrEqual(fromEvents.sent);
      expect(fromTrace.done!, call.name).toBeLessThanOrEqual(fromEvents.done!);
    }
    expect(checkTrace(trace)).toEqual({ overlaps: [], strayFlows: [], unnamed: [] });
  });
});
