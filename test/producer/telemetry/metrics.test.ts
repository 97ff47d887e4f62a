import { describe, expect, it } from "vitest";
import { ProducerMetrics } from "../../../src/producer/telemetry/metrics.js";
import { parsePrometheusText, type Family } from "../../helpers/prometheus.js";

const A = "127.0.0.1:9000";
const B = "127.0.0.1:9001";

function value(family: Family | undefined, labels: Record<string, string>, name = family?.name): number | undefined {
  return family?.samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
}

describe("ProducerMetrics", () => {
  it("renders a page Prometheus can read even before anything happened", () => {
    const families = parsePrometheusText(new ProducerMetrics([A, B]).render({ queueDepth: 0, inFlight: 0 }));
    expect([...families.keys()]).toEqual(["rpc_tasks_total", "rpc_queue_depth", "rpc_calls_in_flight", "rpc_target_up", "rpc_call_latency_seconds"]);
    expect(value(families.get("rpc_tasks_total"), { state: "succeeded" })).toBe(0);
    expect(value(families.get("rpc_target_up"), { target: A })).toBe(1);
    expect(value(families.get("rpc_call_latency_seconds"), { target: B }, "rpc_call_latency_seconds_count")).toBe(0);
  });

  it("counts tasks by final state and reason, and only final failures", () => {
    const metrics = new ProducerMetrics([A]);
    metrics.observe({ event: "task_done", id: 1, target: A, result: "55", latency_ms: 3, attempt: 1 });
    metrics.observe({ event: "task_failed", id: 2, target: A, error: "refused", reason: "refused", attempt: 1, final: false });
    metrics.observe({ event: "task_failed", id: 2, target: A, error: "refused", reason: "refused", attempt: 3, final: true });
    metrics.observe({ event: "task_failed", id: 3, target: null, error: "x", reason: "shutdown", attempt: 0, final: true });
    metrics.observe({ event: "task_failed", id: 4, target: null, error: "x", reason: "shutdown", attempt: 0, final: true });
    const tasks = parsePrometheusText(metrics.render({ queueDepth: 7, inFlight: 2 }));
    expect(value(tasks.get("rpc_tasks_total"), { state: "succeeded" })).toBe(1);
    expect(value(tasks.get("rpc_tasks_total"), { state: "failed", reason: "refused" })).toBe(1);
    expect(value(tasks.get("rpc_tasks_total"), { state: "failed", reason: "shutdown" })).toBe(2);
    expect(value(tasks.get("rpc_queue_depth"), {})).toBe(7);
    expect(value(tasks.get("rpc_calls_in_flight"), {})).toBe(2);
  });

  it("keeps a cumulative latency histogram per target, in seconds", () => {
    const metrics = new ProducerMetrics([A]);
    for (const ms of [0.3, 2, 2, 40, 20_000]) metrics.observe({ event: "task_done", id: 1, target: A, result: "", latency_ms: ms, attempt: 1 });
    const latency = parsePrometheusText(metrics.render({ queueDepth: 0, inFlight: 0 })).get("rpc_call_latency_seconds");
    expect(value(latency, { target: A, le: "0.0005" }, "rpc_call_latency_seconds_bucket")).toBe(1);
    expect(value(latency, { target: A, le: "0.0025" }, "rpc_call_latency_seconds_bucket")).toBe(3);
    expect(value(latency, { target: A, le: "0.05" }, "rpc_call_latency_seconds_bucket")).toBe(4);
    expect(value(latency, { target: A, le: "10" }, "rpc_call_latency_seconds_bucket")).toBe(4);
    expect(value(latency, { target: A, le: "+Inf" }, "rpc_call_latency_seconds_bucket")).toBe(5);
    expect(value(latency, { target: A }, "rpc_call_latency_seconds_sum")).toBeCloseTo(20.0443, 6);
  });

  it("follows targets going down and up", () => {
    const metrics = new ProducerMetrics([A, B]);
    metrics.observe({ event: "target_down", target: B, reason: "refused" });
    let up = parsePrometheusText(metrics.render({ queueDepth: 0, inFlight: 0 })).get("rpc_target_up");
    expect([value(up, { target: A }), value(up, { target: B })]).toEqual([1, 0]);
    metrics.observe({ event: "target_up", target: B, down_s: 1 });
    up = parsePrometheusText(metrics.render({ queueDepth: 0, inFlight: 0 })).get("rpc_target_up");
    expect(value(up, { target: B })).toBe(1);
  });

  it("escapes label values as the format says", () => {
    const odd = 'h"o\\st\n:1';
    const families = parsePrometheusText(new ProducerMetrics([odd]).render({ queueDepth: 0, inFlight: 0 }));
    expect(value(families.get("rpc_target_up"), { target: odd })).toBe(1);
  });
});

describe("the test's Prometheus reader", () => {
  it("refuses what the format does not allow", () => {
    expect(() => parsePrometheusText("x 1")).toThrow(/newline/);
    expect(() => parsePrometheusText("x 1\n")).toThrow(/before its # TYPE/);
    expect(() => parsePrometheusText("# TYPE x gauge\nx{a=1} 1\n")).toThrow(/quoted/);
    expect(() => parsePrometheusText("# TYPE x gauge\nx one\n")).toThrow(/not a number/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n')).toThrow(/cumulative/);
  });
});
