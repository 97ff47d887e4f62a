import { describe, expect, it } from "vitest";
import { createLog, type RequestRecord } from "../../src/consumer/log.js";

const record: RequestRecord = {
  peer: "127.0.0.1:50000",
  command: "fibonacci_generator calculate x",
  outcome: "bad_argument",
  message: "calculate takes exactly one argument N",
  endedBy: "newline",
  durationMs: 1.234,
  waitMs: 0.5,
};

function capture(format: "text" | "json") {
  const out: string[] = [];
  const err: string[] = [];
  return { log: createLog(format, { out: (l) => out.push(l), err: (l) => err.push(l), color: false }), out, err };
}

describe("the consumer's log", () => {
  it("writes JSON lines with time and event", () => {
    const { log, out } = capture("json");
    log.listening("127.0.0.1", 5000);
    log.request(record);
    const [listening, request] = out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(listening).toMatchObject({ event: "listening", message: "listening on 127.0.0.1:5000", host: "127.0.0.1", port: 5000 });
    expect(new Date(String(listening?.["time"])).toISOString()).toBe(listening?.["time"]);
    expect(request).toMatchObject({
      event: "request",
      peer: "127.0.0.1:50000",
      command: "fibonacci_generator calculate x",
      outcome: "bad_argument",
      duration_ms: 1.23,
    });
  });

  it("writes one readable text line per event, the stack of a bug on stderr", () => {
    const { log, out, err } = capture("text");
    log.listening("::1", 5000);
    log.request(record);
    log.internalError("127.0.0.1:50000", "test boom", new Error("boom"));
    expect(out[0]).toMatch(/listening on \[::1\]:5000$/);
    expect(out[1]).toMatch(/127\.0\.0\.1:50000 +bad_argument +1\.2 ms {2}"fibonacci_generator calculate x" — calculate takes/);
    expect(out.every((line) => !line.includes("\n"))).toBe(true);
    expect(err.join("\n")).toMatch(/Error: boom\n\s+at /);
  });
});
