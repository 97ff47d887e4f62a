// The loop's trace, end to end (PROTOCOL §9): a real producer run with --trace against real
// consumers, the file read back as Perfetto would read it and checked against the run's log.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ChromeTrace } from "../../src/loop/index.js";
import { bundleCommand, freePort, runToExit, startConsumer, stopAll, waitUntil } from "../helpers/processes.js";
import { startProducer } from "../helpers/producer.js";
import { request } from "../helpers/tcp.js";
import { callWaitsOutsideTheirCall, checkTrace } from "../helpers/trace.js";

const directories: string[] = [];
afterEach(async () => {
  await stopAll();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function traceFile(): string {
  const directory = mkdtempSync(join(tmpdir(), "rpc-trace-"));
  directories.push(directory);
  return join(directory, "run.json");
}

const trackNames = (trace: ChromeTrace): string[] => trace.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => String(e.args!.name));

describe("run_rpc_producer.sh --trace FILE.json", () => {
  it("writes the loop's trace: a named track per task, a call track per call made, steps one at a time, each call's waits inside the call", async () => {
    const file = traceFile();
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const producer = startProducer(["--tasks", "12", "--interval", "0.01", "--trace", file, String(a.port), String(b.port)]);
    const exit = await producer.exited(20_000);
    expect(exit.code, producer.stderr()).toBe(0);

    const trace = JSON.parse(readFileSync(file, "utf8")) as ChromeTrace;
    expect(Object.keys(trace).sort()).toEqual(["displayTimeUnit", "traceEvents"]);
    expect(new Set(trace.traceEvents.map((e) => e.pid))).toEqual(new Set([producer.child.pid])); // the script execs node

    const names = trackNames(trace);
    expect(names).toEqual(expect.arrayContaining(["producer", "payload", "stats", `worker 127.0.0.1:${a.port}`, `worker 127.0.0.1:${b.port}`]));
    // With tracing, each call is a task of its own: one call track per task_sent in the log.
    const sent = producer.eventsNamed("task_sent");
    const calls = names.filter((name) => name.startsWith("call #"));
    expect(calls.sort()).toEqual(sent.map((e) => `call #${String(e.id)} → ${String(e.target)}`).sort());

    const waits = new Set(trace.traceEvents.filter((e) => e.cat === "wait").map((e) => e.name));
    expect([...waits]).toEqual(expect.arrayContaining(["get tasks", `read 127.0.0.1:${a.port}`, `connect 127.0.0.1:${b.port}`]));
    const counters = new Set(trace.traceEvents.filter((e) => e.ph === "C").map((e) => e.name));
    expect([...counters].sort()).toEqual(["in_flight", "queue"]);

    expect(checkTrace(trace)).toEqual({ overlaps: [], strayFlows: [], unnamed: [] });
    // Every wait of a call task sits between its sent and its done: the worker's step that spawned
    // it (task_sent) and the worker's step its end woke (task_done).
    expect(callWaitsOutsideTheirCall(trace)).toEqual([]);
  });

  it("writes it on SIGINT too, when the run has no end of its own", async () => {
    const file = traceFile();
    const consumer = await startConsumer();
    const producer = startProducer(["--interval", "0.02", "--trace", file, String(consumer.port)]);
    await waitUntil(() => producer.eventsNamed("task_done").length >= 3, "three tasks done");
    const exit = await producer.stop("SIGINT");
    // 1 when a task was still queued at the signal (it fails with `shutdown`): either way a clean end.
    expect([0, 1], producer.stderr()).toContain(exit.code);
    expect(producer.eventsNamed("summary")).toHaveLength(1);
    const trace = JSON.parse(readFileSync(file, "utf8")) as ChromeTrace;
    expect(trackNames(trace)).toEqual(expect.arrayContaining(["producer", "payload"]));
    expect(checkTrace(trace)).toEqual({ overlaps: [], strayFlows: [], unnamed: [] });
  });
});

describe("run_rpc_producer.sh --listen PORT --trace FILE.json", () => {
  it("names each front-door client's task by its address", async () => {
    const file = traceFile();
    const consumer = await startConsumer();
    const port = await freePort();
    const producer = startProducer(["--listen", String(port), "--stats-every", "0", "--trace", file, String(consumer.port)]);
    await waitUntil(() => producer.eventsNamed("front_door").length > 0, "the front door to open", 20_000);
    const answers = await Promise.all([1, 2].map(() => request(port, "system ping\n", { timeoutMs: 20_000 })));
    expect(answers.map((answer) => answer.text)).toEqual(["pong\n", "pong\n"]);
    const exit = await producer.stop("SIGINT");
    expect(exit.code, producer.stderr()).toBe(0);

    const names = trackNames(JSON.parse(readFileSync(file, "utf8")) as ChromeTrace);
    expect(names.filter((name) => /^client 127\.0\.0\.1:\d+$/.test(name))).toHaveLength(2);
    expect(names).toEqual(expect.arrayContaining([`listen 127.0.0.1:${port}`, "exchanges"]));
  });
});

describe("run_rpc_client.sh --trace FILE.json", () => {
  it("writes the client's loop: the request's track, its waits on the socket", async () => {
    const file = traceFile();
    const consumer = await startConsumer();
    const [command, argv] = bundleCommand("client", ["--trace", file, String(consumer.port), "system", "ping"]);
    const answer = await runToExit(command, argv);
    expect(answer).toMatchObject({ code: 0, stdout: "pong\n", stderr: "" });

    const trace = JSON.parse(readFileSync(file, "utf8")) as ChromeTrace;
    expect(trackNames(trace)).toEqual([`request → 127.0.0.1:${consumer.port}`]);
    const waits = trace.traceEvents.filter((e) => e.cat === "wait").map((e) => e.name);
    expect(waits).toEqual(expect.arrayContaining([`connect 127.0.0.1:${consumer.port}`, `read 127.0.0.1:${consumer.port}`]));
    expect(checkTrace(trace)).toEqual({ overlaps: [], strayFlows: [], unnamed: [] });
  });
});
