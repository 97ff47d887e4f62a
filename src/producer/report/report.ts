/**
 * The run report (`--report FILE.html`): one self-contained HTML page — inline CSS and SVG, no
 * script and nothing fetched — that tells how the run went: the load against what the consumers
 * completed, the queue depth, each consumer's call latency, how long tasks waited, and the
 * summary table, and the loop itself in two short swimlanes (loop-section.ts). The data it is
 * drawn from is embedded as JSON
 * (`<script type="application/json" id="report-data">`, never executed), so a program can check
 * the page against the run's log.
 */
import { writeFileSync } from "node:fs";
import type { Percentiles, Summary } from "../dispatch/events.js";
import { describeProfile, profileRate } from "../intake/profiles.js";
import { loopSection } from "./loop-section.js";
import type { QueueSample, ReportData, ReportTask } from "./report-data.js";
import { chart, escapeHtml, type Layer, type Marker, type Point } from "./svg-chart.js";
import { SWIMLANE_STYLE } from "./swimlane-svg.js";

/** Colours for targets, in the order they were given; distinct for the common colour blindnesses. */
const TARGET_COLOURS = ["#2563eb", "#ea580c", "#0d9488", "#c026d3", "#65a30d", "#9333ea", "#0891b2", "#b45309"];
const COLOURS = { produced: "#6366f1", completed: "#16a34a", aimed: "#94a3b8", queue: "#f59e0b", inFlight: "#475569", down: "#dc2626", up: "#16a34a" };

const CHART_WIDTH = 1080;
const CHART_HEIGHT = 250;
/** Beyond this many dots a chart draws an evenly spread subset (the data block keeps them all). */
const MAX_DOTS = 6000;

/** Writes the report for `data` to `path` (synchronously: the run is over, the process is about to exit). */
export function writeReport(path: string, data: ReportData): void {
  writeFileSync(path, renderReport(data));
}

/** The report as an HTML document. */
export function renderReport(data: ReportData): string {
  const s = data.summary;
  const end = Math.max(s.duration_s, data.queue.at(-1)?.at_s ?? 0, maxOf(data.tasks.map((t) => t.done_s)), 0.001);
  const colourOf = new Map(data.targets.map((target, i) => [target, TARGET_COLOURS[i % TARGET_COLOURS.length]!]));
  const verdict =
    s.failed === 0 && s.lost === 0
      ? `<span class="badge ok">all ${s.succeeded} tasks succeeded</span>`
      : `<span class="badge bad">${s.failed} of ${s.produced} tasks failed${s.lost > 0 ? `, ${s.lost} lost` : ""}</span>`;
  const meanRate = data.interval > 0 ? `${round(1 / data.interval, 2)} tasks/s` : "as fast as possible";
  const title = `Producer run of ${escapeHtml(data.started_at.slice(0, 19).replace("T", " "))} UTC`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${title} ${verdict}</h1>
  <p class="sub">${data.targets.length} consumer${data.targets.length === 1 ? "" : "s"}: ${data.targets.map((t) => `<b>${escapeHtml(t)}</b>`).join(", ")}
  · load profile <b>${escapeHtml(describeProfile(data.profile))}</b>, mean interval ${data.interval} s (${meanRate})
  · ${round(end, 1)} s</p>
</header>
${tiles(data)}
${section("Load", "Tasks per second the payload made, and the consumers completed. Where the purple line runs above the green one, tasks pile up in the queue.", legend([["made", COLOURS.produced], ["completed", COLOURS.completed], ["aimed at by the profile", COLOURS.aimed, true]]), loadChart(data, end))}
${section("Queue depth", "Tasks waiting for a free consumer, and calls in flight (at most one per consumer).", legend([["queued", COLOURS.queue], ["in flight", COLOURS.inFlight]]), queueChart(data, end))}
${section("Call latency by consumer", "One dot per successful call: from sending the request to the end of the reply. The line is the median over short stretches of the run.", legend(targetKeys(data, colourOf)), taskChart(data, end, colourOf, (t) => t.latency_ms, "call latency (ms)"))}
${section("Time from queued to done", "One dot per task: waiting in the queue plus the call. When the load outruns the consumers, this grows while call latency stays flat.", legend(targetKeys(data, colourOf)), taskChart(data, end, colourOf, (t) => round((t.done_s - t.queued_s) * 1000, 2), "queued → done (ms)"))}
<section>
<h2>Summary</h2>
${summaryTable(s, colourOf)}
${failureLine(s)}
${samplingNote(data)}
</section>
${loopSection(data.loop)}
<footer>Options: ${Object.entries(data.options)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${escapeHtml(key)}=${escapeHtml(String(value))}`)
    .join(" · ")}</footer>
<script type="application/json" id="report-data">${embedJson(data)}</script>
</body>
</html>
`;
}

function tiles(data: ReportData): string {
  const s = data.summary;
  const peak = maxOf(data.queue.map((q) => q.depth));
  const items: [string, string, string?][] = [
    ["made", String(s.produced)],
    ["succeeded", String(s.succeeded)],
    ["failed", String(s.failed), s.failed > 0 ? "bad" : undefined],
    ["throughput", `${s.throughput_per_s.toFixed(2)}<small>/s</small>`],
    ["peak queue", String(peak)],
    ["p50", ms(s.latency_ms.p50)],
    ["p95", ms(s.latency_ms.p95)],
    ["p99", ms(s.latency_ms.p99)],
    ["max", ms(s.latency_ms.max)],
  ];
  return `<div class="tiles">${items
    .map(([label, value, tone]) => `<div class="tile${tone ? ` ${tone}` : ""}"><div class="value">${value}</div><div class="name">${label}</div></div>`)
    .join("")}</div>`;
}

function ms(value: number | null): string {
  return value === null ? "–" : `${value.toFixed(1)}<small> ms</small>`;
}

function section(heading: string, explanation: string, legendHtml: string, body: string): string {
  return `<section>
<h2>${heading}</h2>
<p class="explain">${explanation}</p>
${legendHtml}
${body}
</section>`;
}

function legend(keys: readonly (readonly [string, string, boolean?])[]): string {
  return `<p class="legend">${keys
    .map(([label, colour, dashed]) => `<span><i class="${dashed ? "dash" : ""}" style="--c:${colour}"></i>${escapeHtml(label)}</span>`)
    .join("")}</p>`;
}

function targetKeys(data: ReportData, colourOf: ReadonlyMap<string, string>): [string, string][] {
  return data.targets.map((target) => [target, colourOf.get(target)!]);
}

function loadChart(data: ReportData, end: number): string {
  const window = Math.max(1, end / 40);
  const produced = rates(data.queue, (q) => q.produced, window);
  const completed = rates(data.queue, (q) => q.completed, window);
  // The aim is drawn while the payload was making tasks: up to the last sample that saw a new one.
  const lastMade = data.queue.find((q) => q.produced === data.summary.produced)?.at_s ?? end;
  const aimed: Point[] = [];
  if (data.interval > 0) {
    for (let i = 0; i <= 200; i++) {
      const x = (lastMade * i) / 200;
      aimed.push({ x, y: profileRate(data.profile, data.interval, x) });
    }
  }
  const yMax = Math.max(1, maxOf(produced.map((p) => p.y)), maxOf(completed.map((p) => p.y)), maxOf(aimed.map((p) => p.y))) * 1.05;
  return chart({
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    xMax: end,
    yMax,
    xLabel: "seconds since start",
    yLabel: "tasks per second",
    description: "Tasks per second made and completed over the run",
    layers: [
      { kind: "line", colour: COLOURS.aimed, points: aimed, dashed: true, width: 1.5 },
      { kind: "line", colour: COLOURS.produced, points: produced },
      { kind: "line", colour: COLOURS.completed, points: completed },
    ],
  });
}

/**
 * Rates from running counts: at each sample, the change over a window of `window` seconds
 * centred on it (cut short at the run's ends), per second. Centred rather than trailing, so the
 * curve does not lag behind the profile's aim.
 */
function rates(samples: readonly QueueSample[], count: (q: QueueSample) => number, window: number): Point[] {
  const points: Point[] = [];
  let low = 0;
  let high = 0;
  for (const sample of samples) {
    // The last sample at or before each edge of the window (the counts hold between samples).
    while (low < samples.length - 1 && samples[low + 1]!.at_s <= sample.at_s - window / 2) low++;
    while (high < samples.length - 1 && samples[high + 1]!.at_s <= sample.at_s + window / 2) high++;
    const from = samples[low]!;
    const to = samples[high]!;
    const seconds = to.at_s - from.at_s;
    if (seconds <= 0) continue;
    points.push({ x: sample.at_s, y: (count(to) - count(from)) / seconds });
  }
  return points;
}

function queueChart(data: ReportData, end: number): string {
  const depth = steps(data.queue.map((q) => ({ x: q.at_s, y: q.depth })));
  const inFlight = steps(data.queue.map((q) => ({ x: q.at_s, y: q.in_flight })));
  const yMax = Math.max(4, maxOf(depth.map((p) => p.y)), maxOf(inFlight.map((p) => p.y))) * 1.05;
  const markers: Marker[] = data.target_changes.map((change) => ({
    x: change.at_s,
    colour: change.up ? COLOURS.up : COLOURS.down,
    label: `${change.target} ${change.up ? "up" : "down"}`,
  }));
  return chart({
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    xMax: end,
    yMax,
    xLabel: "seconds since start",
    yLabel: "tasks",
    description: "Queue depth and calls in flight over the run",
    markers,
    layers: [
      { kind: "area", colour: COLOURS.queue, points: depth, opacity: 0.3 },
      { kind: "line", colour: COLOURS.inFlight, points: inFlight, width: 1.5 },
    ],
  });
}

/** A sampled count drawn as steps: it held its value until the next sample. */
function steps(points: readonly Point[]): Point[] {
  return points.flatMap((p, i) => (i === 0 ? [p] : [{ x: p.x, y: points[i - 1]!.y }, p]));
}

function taskChart(
  data: ReportData,
  end: number,
  colourOf: ReadonlyMap<string, string>,
  value: (task: ReportTask) => number,
  yLabel: string,
): string {
  const all = data.tasks.map(value).sort((a, b) => a - b);
  const p99 = quantile(all, 0.99);
  const max = all.at(-1) ?? 1;
  // A few outliers must not flatten everything else: above 2 × p99 they sit on the top edge.
  const yMax = Math.max(max <= 2 * p99 ? max : p99 * 1.5, 0.1) * 1.05;
  const stride = Math.max(1, Math.ceil(data.tasks.length / MAX_DOTS));
  const titled = data.tasks.length <= 2000;
  const layers: Layer[] = [];
  const medians: Layer[] = [];
  for (const target of data.targets) {
    const colour = colourOf.get(target)!;
    const tasks = data.tasks.filter((t) => t.target === target);
    layers.push({
      kind: "dots",
      colour,
      opacity: 0.45,
      radius: data.tasks.length > 1500 ? 1.8 : 2.6,
      points: tasks
        .filter((_, i) => i % stride === 0)
        .map((t) => ({
          x: t.done_s,
          y: value(t),
          ...(titled ? { title: `#${t.id} ${t.handler} on ${target}: ${value(t)} ms at ${t.done_s} s` } : {}),
        })),
    });
    medians.push({ kind: "line", colour, width: 2.5, points: binnedMedians(tasks, value, end) });
  }
  const above = all.filter((v) => v > yMax).length;
  const svg = chart({
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    xMax: end,
    yMax,
    xLabel: "seconds since start (when the reply came)",
    yLabel,
    description: `${yLabel} of each task over the run, by consumer`,
    layers: [...layers, ...medians],
  });
  return above === 0 ? svg : `${svg}\n<p class="note">${above} task${above === 1 ? "" : "s"} above ${round(yMax, 1)} ms drawn as ▲ on the top edge.</p>`;
}

/** The median of `value` over about 40 equal stretches of the run (stretches without a task are skipped). */
function binnedMedians(tasks: readonly ReportTask[], value: (task: ReportTask) => number, end: number): Point[] {
  const bins = 40;
  const width = end / bins;
  const groups: number[][] = Array.from({ length: bins }, () => []);
  for (const task of tasks) groups[Math.min(bins - 1, Math.floor(task.done_s / width))]!.push(value(task));
  return groups.flatMap((group, i) =>
    group.length === 0 ? [] : [{ x: (i + 0.5) * width, y: quantile(group.sort((a, b) => a - b), 0.5) }],
  );
}

/** The `q` quantile (0..1) of sorted values, nearest rank; 0 for none. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function summaryTable(s: Summary, colourOf: ReadonlyMap<string, string>): string {
  const header = ["", "count", "succeeded", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms"];
  const row = (label: string, count: number, succeeded: number, failed: number, p: Percentiles, kind: string): string =>
    `<tr class="${kind}"><th>${label}</th>${[count, succeeded, failed].map((n, i) => `<td class="${i === 2 && n > 0 ? "bad" : ""}">${n}</td>`).join("")}${[p.p50, p.p95, p.p99, p.max]
      .map((v) => `<td>${v === null ? "–" : v.toFixed(1)}</td>`)
      .join("")}</tr>`;
  const rows = [
    ...Object.entries(s.per_target).map(([name, t]) =>
      row(`<i class="swatch" style="--c:${colourOf.get(name) ?? "#888"}"></i>consumer ${escapeHtml(name)}`, t.succeeded + t.failed, t.succeeded, t.failed, t, "target"),
    ),
    ...Object.entries(s.per_handler).map(([name, h]) => row(`handler ${escapeHtml(name)}`, h.count, h.succeeded, h.failed, h, "handler")),
    row("all tasks", s.produced, s.succeeded, s.failed, s.latency_ms, "total"),
  ];
  return `<table>
<thead><tr>${header.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`;
}

function failureLine(s: Summary): string {
  const reasons = Object.entries(s.failures);
  const lost = `lost ${s.lost} (tasks that reached no final state; always 0)`;
  if (reasons.length === 0) return `<p class="note">No failures; ${lost}. Duration ${s.duration_s} s, throughput ${s.throughput_per_s} tasks/s.</p>`;
  return `<p class="note">Failures by reason: ${reasons.map(([reason, n]) => `<b>${escapeHtml(reason)}</b> ${n}`).join(", ")}; ${lost}. Duration ${s.duration_s} s, throughput ${s.throughput_per_s} tasks/s.</p>`;
}

function samplingNote(data: ReportData): string {
  const { tasks, queue, failures } = data.sampling;
  if (tasks === 1 && queue === 1 && failures === 1) return "";
  return `<p class="note">A long run: to keep the page small, the charts keep one task in ${tasks}, one queue sample in ${queue} and one failure in ${failures}. The summary counts every task.</p>`;
}

/** JSON that cannot end the `<script>` element it sits in. */
function embedJson(data: ReportData): string {
  return JSON.stringify(data).replace(/</g, "\\u003c");
}

/** The largest of `values`, 0 for none (a loop: spreading 50,000 arguments into Math.max is not safe). */
function maxOf(values: readonly number[]): number {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const STYLE = `
:root { color-scheme: light; --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1140px; padding: 24px 28px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f8fafc; }
h1 { font-size: 22px; margin: 0 0 4px; display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
h2 { font-size: 16px; margin: 0 0 2px; }
.sub { margin: 0 0 16px; color: var(--muted); }
.sub b { color: var(--ink); font-weight: 600; }
.badge { font-size: 13px; font-weight: 600; padding: 3px 10px; border-radius: 999px; }
.badge.ok { background: #dcfce7; color: #166534; }
.badge.bad { background: #fee2e2; color: #991b1b; }
.tiles { display: grid; grid-template-columns: repeat(9, 1fr); gap: 8px; margin-bottom: 16px; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; }
.tile .value { font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tile .value small { font-size: 12px; font-weight: 500; color: var(--muted); }
.tile .name { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tile.bad .value { color: #dc2626; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px 10px; margin-bottom: 14px; }
.explain { margin: 0 0 6px; color: var(--muted); }
.legend { margin: 0 0 4px; display: flex; flex-wrap: wrap; gap: 16px; font-size: 13px; }
.legend i { display: inline-block; width: 18px; height: 0; border-top: 3px solid var(--c); vertical-align: middle; margin-right: 6px; }
.legend i.dash { border-top-style: dashed; }
svg { display: block; width: 100%; height: auto; }
svg .grid { stroke: #eef2f7; }
svg .axis, svg .tickmark { stroke: #94a3b8; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg text.label { font-size: 12px; fill: #334155; }
svg text.marker { font-size: 11px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin-top: 6px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: right; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
tbody th { text-align: left; font-weight: 500; }
tr.total th, tr.total td { font-weight: 700; border-top: 2px solid #cbd5e1; border-bottom: none; }
tr.handler th { color: #334155; }
td.bad { color: #dc2626; font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; background: var(--c); margin-right: 8px; }
.note { color: var(--muted); margin: 8px 0 4px; }
figure.loop-window { margin: 10px 0 6px; }
figure.loop-window figcaption { margin-bottom: 4px; color: var(--muted); }
figure.loop-window figcaption b { color: var(--ink); }
code { font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 8px; word-break: break-word; }
${SWIMLANE_STYLE}`;
