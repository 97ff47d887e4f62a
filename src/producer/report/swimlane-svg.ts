/**
 * A swimlane of the loop as inline SVG: one row per task, a dark bar for each step it ran, a light
 * bar for each wait (its colour says the kind — queue, socket, sleep, join — and its text, or its
 * tooltip where the text does not fit, says on what), and an arrow for each hand-off from the
 * step that made a task ready to the step that task then ran. Static markup, no script, no
 * `url(…)` (arrowheads are drawn, not referenced): the report stays one file that fetches nothing.
 */
import type { HandOff, SwimlaneWindow } from "./loop-windows.js";
import { niceTicks, escapeHtml } from "./svg-chart.js";

const WIDTH = 1080;
const LABEL_WIDTH = 210;
const RIGHT = 14;
const TOP = 6;
const ROW = 18;
const BAR = 12;
const AXIS = 36;
/** Longest row label drawn; the full name is in its tooltip. */
const LABEL_CHARS = 32;
/** About the width of one character of a wait's label (10 px system-ui), to decide whether it fits. */
const CHAR_PX = 5.6;

/** What kind of wait a label names, by its first word: each kind has its colour. */
export function waitKind(on: string): "queue" | "socket" | "sleep" | "join" | "other" {
  const word = on.split(" ", 1)[0];
  switch (word) {
    case "get":
    case "put":
      return "queue";
    case "connect":
    case "read":
    case "write":
      return "socket";
    case "sleep":
      return "sleep";
    case "join":
      return "join";
    default:
      return "other";
  }
}

/** The legend's entries: label and CSS class. */
export const SWIMLANE_KEYS: readonly (readonly [string, string])[] = [
  ["running (one step)", "run"],
  ["waiting on a queue", "w-queue"],
  ["on a socket", "w-socket"],
  ["sleeping", "w-sleep"],
  ["joining a task", "w-join"],
  ["on something else (HTTP, AMQP)", "w-other"],
  ["hand-off: this step made that task ready", "hand"],
];

/** The swimlane of one window as an `<svg>` element. */
export function swimlaneSvg(window: SwimlaneWindow): string {
  const rows = window.rows;
  const plotWidth = WIDTH - LABEL_WIDTH - RIGHT;
  const height = TOP + Math.max(1, rows.length) * ROW + AXIS;
  const span = window.to_ms - window.from_ms;
  const sx = (ms: number): number => LABEL_WIDTH + ((ms - window.from_ms) / span) * plotWidth;
  const rowOf = new Map(rows.map((row, i) => [row.tid, i]));
  const middle = (i: number): number => TOP + i * ROW + ROW / 2;
  const bottom = TOP + rows.length * ROW;
  const description = `The event loop from ${ms(window.from_ms)} to ${ms(window.to_ms)} after the recording began: ${rows.length} tasks, ${window.steps} steps`;

  const out: string[] = [];
  out.push(`<svg class="swimlane" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(description)}">`);
  rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    if (i % 2 === 1) out.push(`<rect class="band" x="0" y="${y}" width="${WIDTH - RIGHT}" height="${ROW}"/>`);
    const label = row.name.length > LABEL_CHARS ? `${row.name.slice(0, LABEL_CHARS - 1)}…` : row.name;
    out.push(`<text class="row" x="${LABEL_WIDTH - 8}" y="${f(middle(i) + 4)}" text-anchor="end">${escapeHtml(label)}<title>${escapeHtml(`${row.name} (task#${row.tid})`)}</title></text>`);
  });
  const ticks = niceTicks(span, 10);
  for (const tick of ticks) {
    const x = f(sx(window.from_ms + tick));
    out.push(`<line class="grid" x1="${x}" x2="${x}" y1="${TOP}" y2="${bottom}"/>`);
    out.push(`<text class="tick" x="${x}" y="${bottom + 14}" text-anchor="middle">${tick}</text>`);
  }
  out.push(`<text class="label" x="${LABEL_WIDTH + plotWidth / 2}" y="${height - 4}" text-anchor="middle">ms from ${escapeHtml(ms(window.from_ms))} after the recording began</text>`);

  rows.forEach((row, i) => {
    const y = TOP + i * ROW + (ROW - BAR) / 2;
    for (const wait of row.waits) {
      const x = sx(wait.at_ms);
      const w = Math.max(0.5, sx(wait.at_ms + wait.dur_ms) - x);
      const tip = `${row.name} waits on ${wait.on}: ${ms(wait.waited_ms)} in all`;
      out.push(`<rect class="w-${waitKind(wait.on)}" x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${BAR}"><title>${escapeHtml(tip)}</title></rect>`);
      if (w >= wait.on.length * CHAR_PX + 6) out.push(`<text class="on" x="${f(x + 3)}" y="${f(y + BAR - 3)}">${escapeHtml(wait.on)}</text>`);
    }
    for (const step of row.steps) {
      const x = sx(step.at_ms);
      // A step is often a few microseconds: a pixel at least, or it would not be seen.
      const w = Math.max(1, sx(step.at_ms + step.dur_ms) - x);
      out.push(`<rect class="run" x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${BAR}"><title>${escapeHtml(`${row.name} runs ${ms(step.dur_ms)} at ${ms(step.at_ms)}`)}</title></rect>`);
    }
  });

  for (const handOff of window.hand_offs) {
    const from = rowOf.get(handOff.from_tid);
    const to = rowOf.get(handOff.to_tid);
    if (from === undefined || to === undefined) continue;
    out.push(arrow(sx(handOff.from_ms), middle(from), sx(handOff.to_ms), middle(to) + (to > from ? -BAR / 2 : BAR / 2), handOff, rows[from]!.name, rows[to]!.name));
  }
  out.push("</svg>");
  return out.join("\n");
}

/** A line with its arrowhead drawn as a small triangle at the woken task's bar. */
function arrow(x1: number, y1: number, x2: number, y2: number, handOff: HandOff, waker: string, woken: string): string {
  const length = Math.hypot(x2 - x1, y2 - y1) || 1;
  const [ux, uy] = [(x2 - x1) / length, (y2 - y1) / length];
  const [bx, by] = [x2 - ux * 5, y2 - uy * 5];
  const head = `M${f(x2)},${f(y2)} L${f(bx - uy * 2.5)},${f(by + ux * 2.5)} L${f(bx + uy * 2.5)},${f(by - ux * 2.5)} Z`;
  const tip = `${waker} → ${woken} at ${ms(handOff.from_ms)}, ran ${ms(handOff.to_ms - handOff.from_ms)} later`;
  return `<g class="hand"><title>${escapeHtml(tip)}</title><line x1="${f(x1)}" y1="${f(y1)}" x2="${f(bx)}" y2="${f(by)}"/><path d="${head}"/></g>`;
}

/** A time for a person: `12.345 ms`, `1,234.6 ms`, `0.012 ms`. */
function ms(value: number): string {
  const digits = Math.abs(value) >= 1000 ? 1 : 3;
  return `${value.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: digits })} ms`;
}

function f(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** The swimlane's colours, for the report's stylesheet. */
export const SWIMLANE_STYLE = `
svg.swimlane .band { fill: #f1f5f9; }
svg.swimlane text.row { font-size: 11px; fill: #334155; }
svg.swimlane text.on { font-size: 10px; fill: #334155; pointer-events: none; }
svg.swimlane .run { fill: #1e40af; }
svg.swimlane .w-queue { fill: #fde68a; }
svg.swimlane .w-socket { fill: #bae6fd; }
svg.swimlane .w-sleep { fill: #e2e8f0; }
svg.swimlane .w-join { fill: #e9d5ff; }
svg.swimlane .w-other { fill: #d1fae5; }
svg.swimlane .hand line { stroke: #ea580c; stroke-width: 1; }
svg.swimlane .hand path { fill: #ea580c; }
.legend i.run { border-top: 8px solid #1e40af; }
.legend i.w-queue { border-top: 8px solid #fde68a; }
.legend i.w-socket { border-top: 8px solid #bae6fd; }
.legend i.w-sleep { border-top: 8px solid #e2e8f0; }
.legend i.w-join { border-top: 8px solid #e9d5ff; }
.legend i.w-other { border-top: 8px solid #d1fae5; }
.legend i.hand { border-top: 2px solid #ea580c; }
`;
