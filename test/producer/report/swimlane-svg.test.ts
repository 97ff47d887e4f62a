// The swimlane as drawn: a labelled row per task, a bar per step and per wait, an arrow per
// hand-off, and nothing a browser would run or fetch.
import { describe, expect, it } from "vitest";
import { loopData, type SwimlaneWindow } from "../../../src/producer/report/loop-windows.js";
import { swimlaneSvg, waitKind } from "../../../src/producer/report/swimlane-svg.js";
import { start, step, thread, wait, wake } from "./loop-events.js";

function firstWindow(): SwimlaneWindow {
  const events = [
    start(),
    thread(1, "worker 127.0.0.1:9000"),
    thread(2, "call #12 → 127.0.0.1:9000 <with a name far too long to fit>"),
    step(1, 1, 0.2),
    wait(1, "join task#2", 1.2, 30),
    ...wake(1, 1, 1.19, 2, 1.3),
    step(2, 1.3, 0.1),
    wait(2, "connect 127.0.0.1:9000", 1.4, 0.3),
    step(2, 1.7, 0.1),
    wait(2, "read 127.0.0.1:9000", 1.8, 29),
    step(2, 30.8, 0.4),
    ...wake(2, 2, 31.19, 1, 31.2),
    step(1, 31.2, 0.1),
    wait(1, "get tasks", 31.3, 30),
  ];
  return loopData(events, { seconds: 10, stoppedEarly: undefined }).windows[0]!;
}

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

describe("a swimlane", () => {
  it("draws a row per task, labelled by its role, a long name cut short with the whole of it in a tooltip", () => {
    const svg = swimlaneSvg(firstWindow());
    expect(svg).toMatch(/^<svg class="swimlane"[^>]* role="img" aria-label="The event loop from 1 ms to 51 ms after the recording began: 2 tasks, 5 steps">/);
    expect(svg).toContain(">worker 127.0.0.1:9000<title>worker 127.0.0.1:9000 (task#1)</title></text>");
    expect(svg).toContain(">call #12 → 127.0.0.1:9000 &lt;with…<title>call #12 → 127.0.0.1:9000 &lt;with a name far too long to fit&gt; (task#2)</title>");
  });

  it("draws a dark bar per step, a light bar per wait coloured by its kind, labelled where the label fits", () => {
    const svg = swimlaneSvg(firstWindow());
    expect(count(svg, /<rect class="run"/g)).toBe(5);
    expect(count(svg, /<rect class="w-join"/g)).toBe(1);
    expect(count(svg, /<rect class="w-socket"/g)).toBe(2);
    expect(count(svg, /<rect class="w-queue"/g)).toBe(1);
    // 29 ms of reading is wide enough for its label; 0.3 ms of connecting is not: its tooltip says it.
    expect(svg).toContain(`<text class="on" x="`);
    expect(svg).toMatch(/>read 127\.0\.0\.1:9000<\/text>/);
    expect(svg).not.toMatch(/>connect 127\.0\.0\.1:9000<\/text>/);
    expect(svg).toContain("<title>call #12 → 127.0.0.1:9000 &lt;with a name far too long to fit&gt; waits on connect 127.0.0.1:9000: 0.3 ms in all</title>");
  });

  it("draws an arrow for each hand-off, its head drawn rather than referenced, and nothing that runs or fetches", () => {
    const svg = swimlaneSvg(firstWindow());
    expect(count(svg, /<g class="hand">/g)).toBe(2);
    expect(svg).toContain("<title>worker 127.0.0.1:9000 → call #12");
    expect(svg).not.toMatch(/<script|url\(|href=|src=/i);
  });

  it("tells the kinds of wait apart by what they wait on", () => {
    expect(["get tasks", "put tasks", "read 1.2.3.4:5", "connect h:1", "write h:1", "sleep 0.5 s", "join task#3 (stats)", "amqp publish", "read body from 1.2.3.4:5"].map(waitKind)).toEqual([
      "queue",
      "queue",
      "socket",
      "socket",
      "socket",
      "sleep",
      "join",
      "other",
      "socket",
    ]);
  });
});
