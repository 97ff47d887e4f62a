// The failure model, end to end (real processes): every task reaches a final state in finite
// time, nothing is lost, consumers come and go.
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, startConsumer, stopAll } from "../helpers/processes.js";
import { startProducer, type LogEvent, type RunningProducer } from "../helpers/producer.js";
import { waitUntil } from "../helpers/wait.js";

const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  await stopAll();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A fake consumer that accepts connections and never answers. */
async function silentConsumer(): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function summaryOf(producer: RunningProducer): LogEvent & Record<string, number> {
  const summaries = producer.eventsNamed("summary");
  expect(summaries).toHaveLength(1);
  return summaries[0] as LogEvent & Record<string, number>;
}

function expectAccountingCloses(summary: Record<string, number>): void {
  expect(summary.lost).toBe(0);
  expect(summary.produced).toBe(summary.succeeded + summary.failed);
}

describe("the failure model", () => {
  it("survives kill -9 of one of two consumers: every task succeeds, some on attempt 2; restarted, it is up and serves again", async () => {
    const a = await startConsumer();
    const b = await startConsumer();
    const bName = `127.0.0.1:${b.port}`;
    // 10 s of tasks: the producer must still be running when B is back, even on a loaded machine
    // where restarting B takes seconds (with 3 s of tasks it sometimes had finished by then).
    const producer = startProducer(["--tasks", "400", "--interval", "0.025", "--timeout", "2", "--stats-every", "0", String(a.port), String(b.port)]);

    await waitUntil(() => producer.eventsNamed("task_done").filter((e) => e.target === bName).length >= 5, "B to serve some tasks", 20_000);
    b.child.kill("SIGKILL");
    await waitUntil(() => producer.eventsNamed("target_down").some((e) => e.target === bName), "B to be marked down", 10_000);
    await startConsumer(b.port);
    await waitUntil(() => producer.eventsNamed("target_up").some((e) => e.target === bName), "B to be marked up again", 10_000);

    expect((await producer.exited(30_000)).code, producer.stderr()).toBe(0);
    const summary = summaryOf(producer);
    expect(summary).toMatchObject({ produced: 400, succeeded: 400, failed: 0 });
    expectAccountingCloses(summary);

    const events = producer.events();
    const retried = producer.eventsNamed("task_failed").filter((e) => e.final === false);
    expect(retried.length).toBeGreaterThan(0);
    for (const failed of retried) {
      expect(failed.target).toBe(bName);
      const resend = events.find((e) => e.event === "task_sent" && e.id === failed.id && e.attempt === 2);
      expect(resend?.target, `task ${String(failed.id)} retried elsewhere`).toBe(`127.0.0.1:${a.port}`);
    }
    const upAt = events.findIndex((e) => e.event === "target_up" && e.target === bName);
    expect(events.slice(upAt).some((e) => e.event === "task_done" && e.target === bName)).toBe(true);
  });

  it("times out a consumer that accepts and never answers, within --timeout plus a margin, and succeeds on the other", async () => {
    const silent = await silentConsumer();
    const good = await startConsumer();
    const producer = startProducer(["--tasks", "6", "--interval", "0.05", "--timeout", "0.5", "--stats-every", "0", String(silent), String(good.port)]);
    expect((await producer.exited(30_000)).code, producer.stderr()).toBe(0);

    const events = producer.events();
    const timeouts = producer.eventsNamed("task_failed").filter((e) => e.reason === "timeout");
    expect(timeouts.length).toBeGreaterThan(0);
    for (const failed of timeouts) {
      expect(failed).toMatchObject({ target: `127.0.0.1:${silent}`, final: false });
      const sent = events.find((e) => e.event === "task_sent" && e.id === failed.id && e.attempt === failed.attempt)!;
      const waited = Date.parse(failed.time) - Date.parse(sent.time);
      expect(waited).toBeGreaterThanOrEqual(450);
      expect(waited).toBeLessThan(1_500);
    }
    expect(summaryOf(producer)).toMatchObject({ produced: 6, succeeded: 6, failed: 0, lost: 0 });
  });

  it("fails queued tasks with no_consumer after --queue-timeout when every consumer is down, exit 1, nothing lost", async () => {
    const producer = startProducer(["--tasks", "4", "--interval", "0.01", "--queue-timeout", "0.5", "--stats-every", "0", String(await freePort()), String(await freePort())]);
    expect((await producer.exited(20_000)).code).toBe(1);
    const summary = summaryOf(producer);
    expect(summary).toMatchObject({ produced: 4, succeeded: 0, failed: 4 });
    expectAccountingCloses(summary);
    const finals = producer.eventsNamed("task_failed").filter((e) => e.final === true);
    expect(finals.map((e) => e.id).sort()).toEqual([1, 2, 3, 4]);
    for (const e of finals) expect(e).toMatchObject({ error: "no_consumer", reason: "no_consumer" });
    expect(producer.eventsNamed("target_down").length).toBe(2);
  });

  it("on SIGTERM stops producing, drains, prints the summary: nothing lost", async () => {
    const a = await startConsumer();
    const b = await startConsumer();
    const producer = startProducer(["--interval", "0.01", "--stats-every", "0", String(a.port), String(b.port)]);
    await waitUntil(() => producer.eventsNamed("task_done").length >= 10, "some tasks done", 20_000);
    producer.child.kill("SIGTERM");
    const exit = await producer.exited(15_000);
    const summary = summaryOf(producer);
    expectAccountingCloses(summary);
    expect(exit.code).toBe(summary.failed === 0 ? 0 : 1);
    expect(producer.eventsNamed("shutdown")[0]).toMatchObject({ signal: "SIGTERM", forced: false });
    for (const e of producer.eventsNamed("task_failed")) expect(e).toMatchObject({ reason: "shutdown", final: true });
  });

  it("exits at once on a second signal, still printing the summary, failing what was in flight with shutdown", async () => {
    const silent = await silentConsumer();
    const producer = startProducer(["--interval", "0.05", "--timeout", "60", "--stats-every", "0", String(silent)]);
    await waitUntil(() => producer.eventsNamed("task_sent").length >= 1, "a call in flight", 20_000);
    producer.child.kill("SIGINT");
    await waitUntil(() => producer.eventsNamed("shutdown").length === 1, "the graceful shutdown to begin", 10_000);
    producer.child.kill("SIGINT");
    const exit = await producer.exited(5_000);
    expect(exit.code).toBe(1);
    const summary = summaryOf(producer);
    expectAccountingCloses(summary);
    expect(summary.failed).toBeGreaterThanOrEqual(1);
    expect(producer.eventsNamed("shutdown").map((e) => e.forced)).toEqual([false, true]);
  });

  it("does not retry an ERROR about the request itself (bad_argument)", async () => {
    const consumer = await startConsumer(undefined, ["--max-fib", "50"]);
    const other = await startConsumer(undefined, ["--max-fib", "50"]);
    const producer = startProducer(["--tasks", "3", "--interval", "0.01", "--fib-share", "1", "--fib-min", "100", "--fib-max", "200", "--stats-every", "0", String(consumer.port), String(other.port)]);
    expect((await producer.exited(20_000)).code).toBe(1);
    const failed = producer.eventsNamed("task_failed");
    expect(failed).toHaveLength(3);
    for (const e of failed) expect(e).toMatchObject({ reason: "bad_argument", final: true, attempt: 1, error: expect.stringMatching(/^ERROR bad_argument: /) });
    expect(producer.eventsNamed("task_sent").every((e) => e.attempt === 1)).toBe(true);
    expect(producer.eventsNamed("target_down")).toHaveLength(0);
    expect(summaryOf(producer)).toMatchObject({ produced: 3, succeeded: 0, failed: 3, lost: 0, failures: { bad_argument: 3 } });
  });
});
