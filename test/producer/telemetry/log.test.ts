// The text log a person reads in a terminal: what it shows of the network, and how it stays calm.
import { describe, expect, it } from "vitest";
import type { ProducerEvent } from "../../../src/producer/dispatch/events.js";
import { TextLogger } from "../../../src/producer/telemetry/log.js";
import { terminalText } from "../../../src/producer/telemetry/terminal-text.js";

function textLog(options: { quiet?: boolean } = {}) {
  const lines: string[] = [];
  const logger = new TextLogger((text) => lines.push(text), { colour: false, ...options });
  return { log: (event: ProducerEvent) => logger.log(event), text: () => lines.join("") };
}

const HOSTILE = "\x1b]0;owned-title\x07\x1b[2J evil\u202etxt.exe";

describe("the text log, against terminal injection", () => {
  it("escapes control characters and bidi overrides in replies, error messages, commands and reasons", () => {
    const { log, text } = textLog();
    log({ event: "task_queued", id: 1, handler: "neural_analyzer", method: "polarity", command: `neural_analyzer polarity ${HOSTILE}`, queue_depth: 1 });
    log({ event: "task_done", id: 1, target: "127.0.0.1:9000", result: HOSTILE, latency_ms: 1, attempt: 1 });
    log({ event: "task_failed", id: 2, target: "127.0.0.1:9000", error: `ERROR internal: ${HOSTILE}`, reason: "internal", attempt: 1, final: false });
    log({ event: "target_down", target: "127.0.0.1:9000", reason: HOSTILE });

    const shown = text();
    expect(shown).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/); // eslint-disable-line no-control-regex -- the point
    expect(shown).toContain("\\x1b]0;owned-title\\x07\\x1b[2J evil\\u202etxt.exe");
    expect(shown.split("\n").filter((line) => line !== "")).toHaveLength(4);
  });

  it("cuts long network text to its column with a final …", () => {
    expect(terminalText("7".repeat(500), 60)).toBe(`${"7".repeat(59)}…`);
    expect(terminalText("left\u2066right\u2069", 60)).toBe("left\\u2066right\\u2069");
  });
});

describe("the text log at shutdown", () => {
  it.each([false, true])("tells queued tasks failed by shutdown in one line, in-flight ones each (quiet: %s)", (quiet) => {
    const { log, text } = textLog({ quiet });
    log({ event: "task_sent", id: 1, target: "127.0.0.1:9000", attempt: 1 });
    log({ event: "shutdown", signal: "SIGINT", queued: 1000, in_flight: 1, forced: false });
    for (let id = 2; id <= 1001; id++) log({ event: "task_failed", id, target: null, error: "shutdown", reason: "shutdown", attempt: 0, final: true });
    log({ event: "task_failed", id: 1, target: "127.0.0.1:9000", error: "shutdown", reason: "shutdown", attempt: 1, final: true });

    const lines = text().trimEnd().split("\n");
    expect(lines.filter((line) => line.includes("failed"))).toEqual([
      expect.stringMatching(/failed +1000 queued tasks failed with "shutdown" \(final\)$/),
      expect.stringMatching(/failed +#1 at 127\.0\.0\.1:9000 \(attempt 1, final\): shutdown$/),
    ]);
    expect(lines).toHaveLength(quiet ? 3 : 4);
  });
});

describe("the text log when every consumer is down", () => {
  it("says what will happen, with the option that sets when", () => {
    const { log, text } = textLog();
    log({ event: "no_target_up", queue_timeout_s: 30 });
    expect(text()).toMatch(/down +no consumer is up; queued tasks fail after 30 s \(--queue-timeout\)\n$/);
  });
});
