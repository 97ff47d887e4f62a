// The HTML report: what the recorder keeps from the events, and a page that is self-contained,
// safe, and carries its data for programs.
import { describe, expect, it } from "vitest";
import type { ProducerEvent, Summary } from "../../../src/producer/dispatch/events.js";
import type { Gauges } from "../../../src/producer/dispatch/producer.js";
import { renderReport } from "../../../src/producer/report/report.js";
import { MAX_QUEUE_SAMPLES, ReportRecorder, type ReportData } from "../../../src/producer/report/report-data.js";
import { niceTicks } from "../../../src/producer/report/svg-chart.js";
import { loopData } from "../../../src/producer/report/loop-windows.js";
import { start, step, thread, wait, wake } from "./loop-events.js";

const A = "127.0.0.1:9000";
const B = "127.0.0.1:9001";
const RUN = { targets: [A, B], options: { interval: 0.1, profile: "constant" }, profile: { kind: "constant" } as const, interval: 0.1 };

function recorder() {
  let now = 5_000;
  const r = new ReportRecorder(RUN, () => now);
  return { r, at: (seconds: number) => void (now = 5_000 + seconds * 1000) };
}

/** The producer's gauges as a sampler reads them. */
function gauges(queueDepth: number, inFlight: number): Gauges {
  return { queueDepth, inFlight, isUp: () => true };
}

const queued = (id: number, handler: string, method: string, command: string, depth: number): ProducerEvent => ({
  event: "task_queued",
  id,
  handler,
  method,
  command,
  queue_depth: depth,
  source: "payload",
});

const SUMMARY: Summary = {
  produced: 3,
  succeeded: 2,
  failed: 1,
  lost: 0,
  duration_s: 2,
  throughput_per_s: 1,
  latency_ms: { p50: 10, p95: 30, p99: 30, max: 30 },
  per_target: { [A]: { succeeded: 1, failed: 1, p50: 10, p95: 10, p99: 10, max: 10 }, [B]: { succeeded: 1, failed: 0, p50: 30, p95: 30, p99: 30, max: 30 } },
  per_handler: { system: { count: 3, succeeded: 2, failed: 1, p50: 10, p95: 30, p99: 30, max: 30 } },
  failures: { bad_argument: 1 },
};

describe("ReportRecorder", () => {
  it("keeps each task_done with its handler and times", () => {
    const { r, at } = recorder();
    r.observe(queued(1, "fibonacci_generator", "calculate", "fibonacci_generator calculate 5", 1));
    at(0.25);
    r.observe({ event: "task_sent", id: 1, target: A, attempt: 1 });
    at(0.3);
    r.observe({ event: "task_failed", id: 1, target: A, error: "reset", reason: "reset", attempt: 1, final: false });
    at(0.5);
    r.observe({ event: "task_sent", id: 1, target: B, attempt: 2 });
    at(0.512);
    r.observe({ event: "task_done", id: 1, target: B, result: "5", latency_ms: 12.3, attempt: 2 });
    const data = r.data(SUMMARY, 0, 0);
    expect(data.tasks).toEqual([{ id: 1, target: B, handler: "fibonacci_generator", queued_s: 0, sent_s: 0.5, done_s: 0.512, latency_ms: 12.3, attempt: 2 }]);
    expect(data.failures).toEqual([{ id: 1, target: A, reason: "reset", at_s: 0.3, final: false }]);
  });

  it("samples the queue with the running counts, from the start to a sample at the end of the run", () => {
    const { r, at } = recorder();
    r.observe(queued(1, "system", "ping", "system ping", 1));
    r.observe(queued(2, "system", "ping", "system ping", 2));
    at(0.1);
    r.sample(gauges(1, 1));
    r.observe({ event: "task_done", id: 1, target: A, result: "pong", latency_ms: 1, attempt: 1 });
    r.observe({ event: "task_failed", id: 2, target: null, error: "shutdown", reason: "shutdown", attempt: 0, final: true });
    r.observe({ event: "target_down", target: B, reason: "refused" });
    at(0.2);
    r.observe({ event: "target_up", target: B, down_s: 0.1 });
    const data = r.data(SUMMARY, 0, 0);
    expect(data.queue).toEqual([
      { at_s: 0, depth: 0, in_flight: 0, produced: 0, completed: 0, failed: 0 },
      { at_s: 0.1, depth: 1, in_flight: 1, produced: 2, completed: 0, failed: 0 },
      { at_s: 0.2, depth: 0, in_flight: 0, produced: 2, completed: 1, failed: 1 },
    ]);
    expect(data.target_changes).toEqual([
      { at_s: 0.1, target: B, up: false, reason: "refused" },
      { at_s: 0.2, target: B, up: true, reason: null },
    ]);
    expect(data.sampling).toEqual({ tasks: 1, queue: 1, failures: 1 });
  });

  it("stays bounded on a long run: past the limit a series keeps every other point, and says so", () => {
    const { r, at } = recorder();
    const count = MAX_QUEUE_SAMPLES * 2 + 10;
    for (let i = 0; i < count; i++) {
      at(i * 0.1);
      r.sample(gauges(i, 0));
    }
    const data = r.data(SUMMARY, 0, 0);
    expect(data.queue.length).toBeLessThanOrEqual(MAX_QUEUE_SAMPLES + 1);
    expect(data.queue.length).toBeGreaterThan(MAX_QUEUE_SAMPLES / 4);
    expect(data.sampling.queue).toBeGreaterThanOrEqual(2);
    // Still spread over the whole run, in order.
    expect(data.queue[0]!.at_s).toBe(0);
    expect(data.queue.at(-2)!.at_s).toBeGreaterThan((count - 1) * 0.1 * 0.95);
    for (let i = 1; i < data.queue.length; i++) expect(data.queue[i]!.at_s).toBeGreaterThanOrEqual(data.queue[i - 1]!.at_s);
  });
});

function sampleData(overrides: Partial<ReportData> = {}): ReportData {
  const { r, at } = recorder();
  const id = (n: number) => ({ id: n, handler: "system", method: "ping", command: "system ping" });
  for (let i = 1; i <= 3; i++) {
    at(i * 0.1);
    r.observe({ event: "task_queued", ...id(i), queue_depth: 1, source: "payload" });
    r.observe({ event: "task_sent", id: i, target: i === 2 ? B : A, attempt: 1 });
    r.sample(gauges(0, 1));
    at(i * 0.1 + 0.05);
    if (i === 3) r.observe({ event: "task_failed", id: i, target: A, error: "ERROR bad_argument: x", reason: "bad_argument", attempt: 1, final: true });
    else r.observe({ event: "task_done", id: i, target: i === 2 ? B : A, result: "pong", latency_ms: i * 10, attempt: 1 });
  }
  return { ...r.data(SUMMARY, 0, 0), ...overrides };
}

/** The JSON the page embeds, parsed back. */
function embedded(html: string): unknown {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match, "the report-data block").not.toBeNull();
  return JSON.parse(match![1]!);
}

describe("renderReport", () => {
  it("embeds its data as JSON that parses back to exactly what it was drawn from", () => {
    const data = sampleData();
    expect(embedded(renderReport(data))).toEqual(data);
  });

  it("is self-contained: no script to run, nothing fetched, no external style", () => {
    const html = renderReport(sampleData());
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="application/json" id="report-data">']);
    expect(html).not.toMatch(/\bsrc=|<link\b|@import|url\(|<iframe|<img/i);
    // The only URL is SVG's namespace name, which is never fetched.
    for (const url of html.match(/https?:\/\/[^\s"'<]+/g) ?? []) expect(url).toBe("http://www.w3.org/2000/svg");
  });

  it("shows the charts, the summary table and the verdict", () => {
    const html = renderReport(sampleData());
    expect(html.match(/<svg /g)).toHaveLength(4);
    for (const heading of ["Load", "Queue depth", "Call latency by consumer", "Time from queued to done", "Summary"]) expect(html).toContain(`<h2>${heading}</h2>`);
    expect(html).toContain("1 of 3 tasks failed");
    expect(html).toContain(`consumer ${A}`);
    expect(html).toContain("handler system");
    expect(html).toContain("<b>bad_argument</b> 1");
  });

  it("escapes what comes from outside, so no value can end the data block or add markup", () => {
    const html = renderReport(sampleData({ options: { note: "</script><script>alert(1)</script>" }, targets: [A, "<b>x</b>:1"] }));
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<b>x</b>");
    expect((embedded(html) as ReportData).options.note).toBe("</script><script>alert(1)</script>");
  });

  it("draws the loop in two swimlanes when it was recorded, its windows in the data block too", () => {
    const events = [start(), thread(1, "producer"), thread(2, "worker 127.0.0.1:9000"), step(1, 3), wait(1, "get control", 3.05, 200), ...wake(1, 1, 3.04, 2, 3.1), step(2, 3.1), step(2, 120), step(1, 130)];
    const loop = loopData(events, { seconds: 10, stoppedEarly: "its 10 s were up" });
    const data = sampleData({ loop });
    const html = renderReport(data);
    expect(html).toContain(`<section id="the-loop">\n<h2>The loop</h2>`);
    expect(html.match(/<figure class="loop-window" data-window="(first|busiest)">/g)).toEqual([
      '<figure class="loop-window" data-window="first">',
      '<figure class="loop-window" data-window="busiest">',
    ]);
    expect(html).toContain("<b>The first 50 ms, from the loop's first step at 0.003 s</b>: 2 steps began");
    expect(html).toContain("<b>The busiest 50 ms after them, from 0.12 s</b>: 2 steps began");
    expect(html).toContain("(it stopped when its 10 s were up), at most <code>--trace-seconds</code> (10 s)");
    expect(html.match(/<svg class="swimlane"/g)).toHaveLength(2);
    expect((embedded(html) as ReportData).loop).toEqual(loop);
  });

  it("has no loop section when the loop was not recorded", () => {
    const html = renderReport(sampleData());
    expect((embedded(html) as ReportData).loop).toBeNull();
    expect(html).not.toContain("The loop");
  });

  it("renders a run without any task (everything failed, or nothing was made)", () => {
    const { r } = recorder();
    const empty: Summary = { ...SUMMARY, produced: 0, succeeded: 0, failed: 0, latency_ms: { p50: null, p95: null, p99: null, max: null }, per_target: {}, per_handler: {}, failures: {} };
    const html = renderReport(r.data(empty, 0, 0));
    expect(html).toContain("all 0 tasks succeeded");
    expect(html).not.toContain("NaN");
    expect(html).not.toContain("Infinity");
  });
});

describe("niceTicks", () => {
  it.each([
    [10, [0, 2, 4, 6, 8, 10]],
    [9.3, [0, 2, 4, 6, 8, 10]],
    [87, [0, 20, 40, 60, 80, 100]],
    [0.3, [0, 0.1, 0.2, 0.3]],
    [0, [0, 0.2, 0.4, 0.6, 0.8, 1]],
  ])("gives round ticks from 0 past %d", (max, ticks) => {
    expect(niceTicks(max)).toEqual(ticks);
  });
});
