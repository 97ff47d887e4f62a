// The HTML report, end to end: a real producer run against real consumers with --report, and
// the page's numbers checked against the run's JSON log.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ReportData } from "../../src/producer/report/report-data.js";
import { startConsumer, stopAll } from "../helpers/processes.js";
import { startProducer, type LogEvent } from "../helpers/producer.js";

const directories: string[] = [];
afterEach(async () => {
  await stopAll();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function reportData(html: string): ReportData {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) throw new Error("no report-data block in the report");
  return JSON.parse(match[1]!) as ReportData;
}

/** Nearest-rank percentile, as HDR reports it (to its 3 significant digits). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe("--report", () => {
  it("writes a self-contained HTML page whose numbers equal the run's JSON log", async () => {
    const directory = mkdtempSync(join(tmpdir(), "rpc-report-"));
    directories.push(directory);
    const file = join(directory, "run.html");
    const [a, b] = await Promise.all([startConsumer(), startConsumer()]);
    const producer = startProducer(["--tasks", "20", "--interval", "0.01", "--profile", "poisson", "--stats-every", "0.2", "--report", file, String(a.port), String(b.port)]);
    const exit = await producer.exited(20_000);
    expect(exit.code, producer.stderr()).toBe(0);

    const events = producer.events();
    const [summaryEvent] = producer.eventsNamed("summary") as [LogEvent & Record<string, unknown>];
    const { time: _time, event: _event, ...summary } = summaryEvent;
    // The report is announced after the summary, with its absolute path.
    expect(events.at(-1)).toMatchObject({ event: "report", path: file });
    expect(events.at(-2)?.event).toBe("summary");

    const html = readFileSync(file, "utf8");
    const data = reportData(html);
    expect(data.summary).toEqual(summary);
    expect(data.targets).toEqual([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
    expect(data.profile).toEqual({ kind: "poisson" });
    expect(data.sampling).toEqual({ tasks: 1, queue: 1, failures: 1 });

    // One task in the report per task_done in the log: same id, target, latency, attempt, handler.
    const queued = new Map(producer.eventsNamed("task_queued").map((e) => [e.id, e]));
    const done = producer.eventsNamed("task_done");
    expect(done).toHaveLength(20);
    expect([...data.tasks].sort((x, y) => x.id - y.id).map((t) => [t.id, t.target, t.latency_ms, t.attempt, t.handler])).toEqual(
      [...done].sort((x, y) => Number(x.id) - Number(y.id)).map((e) => [e.id, e.target, e.latency_ms, e.attempt, queued.get(e.id)!.handler]),
    );
    // Its times agree with the log's clock (the log has millisecond time stamps).
    const start = Date.parse(producer.eventsNamed("started")[0]!.time);
    for (const e of done) {
      const task = data.tasks.find((t) => t.id === e.id)!;
      expect(Math.abs(task.done_s - (Date.parse(e.time) - start) / 1000)).toBeLessThan(0.05);
      expect(task.queued_s).toBeLessThanOrEqual(task.sent_s);
      expect(task.sent_s).toBeLessThanOrEqual(task.done_s);
    }

    // The summary's percentiles are those of the report's latencies (HDR keeps 3 significant digits).
    const latencies = data.tasks.map((t) => t.latency_ms).sort((x, y) => x - y);
    const overall = data.summary.latency_ms;
    for (const [p, value] of [[50, overall.p50], [95, overall.p95], [99, overall.p99], [100, overall.max]] as const) {
      expect(Math.abs(value! - percentile(latencies, p))).toBeLessThanOrEqual(percentile(latencies, p) * 0.001 + 0.01);
    }
    for (const [target, t] of Object.entries(data.summary.per_target)) {
      expect(data.tasks.filter((task) => task.target === target)).toHaveLength(t.succeeded);
    }

    // The queue samples end with every task made and completed.
    expect(data.queue.at(-1)).toMatchObject({ produced: 20, completed: 20, failed: 0, depth: 0, in_flight: 0 });
    for (let i = 1; i < data.queue.length; i++) expect(data.queue[i]!.produced).toBeGreaterThanOrEqual(data.queue[i - 1]!.produced);

    // The table on the page shows the summary's figures.
    expect(html).toContain("all 20 tasks succeeded");
    for (const value of [overall.p50, overall.p95, overall.p99, overall.max]) expect(html).toContain(`<td>${value!.toFixed(1)}</td>`);
    expect(html).not.toMatch(/\bsrc=|<link\b|@import|url\(/i);

    // The loop, from the recording --report makes as --trace would: the first 50 ms and the
    // busiest 50 ms after them, one row per task named by its role.
    expect(html).toContain("<h2>The loop</h2>");
    const loop = data.loop!;
    expect(loop).toMatchObject({ window_ms: 50, trace_seconds: 10, stopped_early: null });
    expect(loop.windows.map((w) => w.kind)).toEqual(["first", "busiest"]);
    expect(html.match(/<svg class="swimlane"/g)).toHaveLength(2);
    const rows = loop.windows.flatMap((w) => w.rows);
    const names = new Set(rows.map((row) => row.name));
    expect([...names]).toEqual(expect.arrayContaining(["producer", "payload", `worker 127.0.0.1:${a.port}`, `worker 127.0.0.1:${b.port}`]));
    expect([...names].filter((name) => /^call #\d+ → 127\.0\.0\.1:\d+$/.test(name)).length).toBeGreaterThan(0);
    for (const name of names) expect(name).not.toMatch(/^task#/);
    for (const row of rows) expect(html).toContain(`>${row.name}<title>`);
    expect(rows.some((row) => row.waits.some((w) => w.on === "get tasks"))).toBe(true);
    expect(loop.windows.every((w) => w.rows.length <= 40 && w.steps > 0)).toBe(true);
  });

  it("still writes the report when a signal ends the run, after the summary", async () => {
    const directory = mkdtempSync(join(tmpdir(), "rpc-report-"));
    directories.push(directory);
    const file = join(directory, "stopped.html");
    const consumer = await startConsumer();
    const producer = startProducer(["--interval", "0.01", "--stats-every", "0", "--report", file, String(consumer.port)]);
    await producer.waitForLine('"task_done"');
    producer.child.kill("SIGINT");
    await producer.exited(10_000);
    expect(producer.events().at(-1)).toMatchObject({ event: "report", path: file });
    const data = reportData(readFileSync(file, "utf8"));
    const summary = producer.eventsNamed("summary")[0]!;
    expect(data.summary.produced).toBe(summary.produced);
    expect(data.tasks).toHaveLength(producer.eventsNamed("task_done").length);
  });
});
