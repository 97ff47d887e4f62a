// The producer as a gateway (PROTOCOL §6): clients speak the consumers' line protocol to
// --listen, and each gets the answer a consumer would give, or the producer's own `unavailable`.
import { afterEach, describe, expect, it } from "vitest";
import { freePort, startConsumer, stopAll, waitUntil } from "../helpers/processes.js";
import { fibonacci, startProducer, type RunningProducer } from "../helpers/producer.js";
import { connect, request } from "../helpers/tcp.js";

afterEach(stopAll);

/** A producer with a --listen door on a free port, once the door is open. */
async function gateway(args: readonly string[], targets: readonly number[]): Promise<{ producer: RunningProducer; port: number }> {
  const port = await freePort();
  const producer = startProducer(["--listen", String(port), "--stats-every", "0", ...args, ...targets.map(String)]);
  await waitUntil(() => producer.eventsNamed("front_door").length > 0, "the front door to open", 20_000);
  return { producer, port };
}

const ask = async (port: number, line: string, halfClose = false): Promise<string> => (await request(port, line, { halfClose, timeoutMs: 20_000 })).text;

describe("--listen: the line protocol, served by the producer", () => {
  it("answers 500 clients at once exactly as a consumer answers each of them", async () => {
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const { port } = await gateway([], [a.port, b.port]);
    const requests = Array.from({ length: 500 }, (_, i) => {
      switch (i % 5) {
        case 0:
          return `fibonacci_generator calculate ${i}`;
        case 1:
          return "neural_analyzer polarity what a lovely day it is";
        case 2:
          return "system ping";
        case 3:
          return `fibonacci_generator calculate -${i}`; // bad_argument, from the consumer
        default:
          return "nosuch handler"; // unknown_handler, from the consumer
      }
    });
    const through = await Promise.all(requests.map((line) => ask(port, `${line}\n`)));
    const direct = await Promise.all([...new Set(requests)].map(async (line) => [line, await ask(a.port, `${line}\n`)] as const));
    const expected = new Map(direct);
    requests.forEach((line, i) => expect(through[i], line).toBe(expected.get(line)));
    expect(through[0]).toBe(`${fibonacci(0)}\n`);
  }, 60_000);

  it("serves clients written for a consumer: no newline, or a half-close", async () => {
    const consumer = await startConsumer();
    const { port } = await gateway([], [consumer.port]);
    expect(await ask(port, "system ping")).toBe("pong\n"); // ended by the quiet period
    expect(await ask(port, "fibonacci_generator calculate 10", true)).toBe("55\n");
  });

  it("answers a malformed request itself, without a call", async () => {
    const consumer = await startConsumer();
    const { producer, port } = await gateway(["--max-request-bytes", "40"], [consumer.port]);
    expect(await ask(port, "ping\n")).toMatch(/^ERROR bad_request: /);
    expect(await ask(port, "system\tping\n")).toMatch(/^ERROR bad_request: control byte/);
    expect(await ask(port, `${"x".repeat(41)}\n`)).toMatch(/^ERROR too_large: /);
    expect(producer.eventsNamed("task_queued")).toEqual([]);
  });

  it("logs where each task came from", async () => {
    const consumer = await startConsumer();
    const { producer, port } = await gateway([], [consumer.port]);
    await ask(port, "system ping\n");
    await waitUntil(() => producer.eventsNamed("task_done").length === 1, "the task to be done");
    const [queued] = producer.eventsNamed("task_queued");
    expect(queued).toMatchObject({ source: "listen", command: "system ping" });
    expect(queued!.client).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});

describe("--listen: answers that come from the producer itself (ERROR unavailable)", () => {
  it("says at once that the queue is full", async () => {
    const consumer = await startConsumer();
    const { producer, port } = await gateway(["--queue-limit", "1"], [consumer.port]);
    let busyDone = false;
    const busy = ask(port, "system sleep 3000\n").finally(() => (busyDone = true)); // in flight
    await waitUntil(() => producer.eventsNamed("task_sent").length === 1, "the first task to be sent");
    const queued = ask(port, "system sleep 10\n"); // the one place in the queue
    await waitUntil(() => producer.eventsNamed("task_queued").length === 2, "the second task to be queued");
    expect(await ask(port, "system ping\n")).toBe("ERROR unavailable: queue full (1 tasks waiting)\n");
    expect(busyDone).toBe(false); // answered at once, not once the call in flight made room
    expect(await busy).toBe("slept 3000\n");
    expect(await queued).toBe("slept 10\n");
  });

  it("says no consumer is up once --queue-timeout has passed", async () => {
    const down = await freePort();
    const { port } = await gateway(["--queue-timeout", "0.5"], [down]);
    expect(await ask(port, "system ping\n")).toBe("ERROR unavailable: no consumer up for 0.5 s\n");
  });

  it("says it is shutting down to a client whose task is still queued, and finishes the one in flight", async () => {
    const consumer = await startConsumer();
    const { producer, port } = await gateway([], [consumer.port]);
    const inFlight = ask(port, "system sleep 1500\n");
    await waitUntil(() => producer.eventsNamed("task_sent").length === 1, "the first task to be sent");
    const queued = ask(port, "system ping\n");
    await waitUntil(() => producer.eventsNamed("task_queued").length === 2, "the second task to be queued");
    producer.child.kill("SIGTERM");
    expect(await queued).toBe("ERROR unavailable: shutting down\n");
    expect(await inFlight).toBe("slept 1500\n");
    expect((await producer.exited(20_000)).code).toBe(1); // a task failed (shutdown): exit code 1
  });

  it("cancels the task of a client that resets while it is queued: it is never sent", async () => {
    const consumer = await startConsumer();
    const { producer, port } = await gateway([], [consumer.port]);
    const inFlight = ask(port, "system sleep 1000\n");
    await waitUntil(() => producer.eventsNamed("task_sent").length === 1, "the first task to be sent");
    const client = await connect(port);
    client.write("system ping\n");
    await waitUntil(() => producer.eventsNamed("task_queued").length === 2, "the second task to be queued");
    client.reset();
    await waitUntil(() => producer.eventsNamed("task_failed").length === 1, "the cancelled task to fail");
    expect(producer.eventsNamed("task_failed")[0]).toMatchObject({ id: 2, reason: "cancelled", final: true, target: null });
    expect(await inFlight).toBe("slept 1000\n");
    expect(producer.eventsNamed("task_sent").map((e) => e.id)).toEqual([1]);
  });
});

describe("--listen: nothing lost", () => {
  it("answers every one of 200 waiting clients when a consumer is killed with SIGKILL", async () => {
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const { producer, port } = await gateway([], [a.port, b.port]);
    const answers = Array.from({ length: 200 }, () => ask(port, "system sleep 20\n"));
    await waitUntil(() => producer.eventsNamed("task_done").length >= 20, "some tasks to be done", 20_000);
    await a.stop("SIGKILL");
    const texts = await Promise.all(answers);
    expect(texts.filter((text) => text !== "slept 20\n")).toEqual([]);
    expect(producer.eventsNamed("target_down").map((e) => e.target)).toEqual([`127.0.0.1:${a.port}`]);
  }, 60_000);
});
