/**
 * The live page (`GET /` of --http and --dashboard): one self-contained HTML document — its CSS
 * and its small script inline, nothing fetched from anywhere else, so it works offline and behind
 * any firewall. The script reads the figures from `events` (Server-Sent Events of `LiveFigures`,
 * live-feed.ts) next to the page and redraws every second: the queue, in flight, made and
 * completed per second, a one-minute chart of them, per consumer its state, busy share and
 * latency, and the recent failures.
 *
 * Its Content-Security-Policy allows only its own inline script and style (by hash) and
 * connections to its own origin: a browser refuses anything else, so "nothing from outside" is
 * enforced, not only meant. Text that came from the network (errors, names) is set with
 * `textContent`, never parsed as HTML.
 */
import { createHash } from "node:crypto";

const STYLE = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --ink: #1b1f24; --dim: #5d6673; --line: #dde1e6;
  --made: #2f6fdf; --done: #1f9d55; --queue: #c77700; --bad: #c92a2a; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171b; --card: #1d2126; --ink: #e6e9ed; --dim: #98a2ad; --line: #30363d;
  --made: #6ea0ff; --done: #4cc98a; --queue: #f0a43a; --bad: #ff6b6b; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 20px 24px 32px; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; margin-bottom: 16px; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--dim); margin: 22px 0 8px; }
.status { font-weight: 600; padding: 2px 10px; border-radius: 999px; background: var(--line); }
.status.ok { background: color-mix(in srgb, var(--done) 20%, transparent); color: var(--done); }
.status.warn { background: color-mix(in srgb, var(--queue) 22%, transparent); color: var(--queue); }
.status.off { background: color-mix(in srgb, var(--bad) 18%, transparent); color: var(--bad); }
.dim { color: var(--dim); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { color: var(--dim); font-size: 12px; }
.card .value { font-size: 30px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .unit { color: var(--dim); font-size: 13px; margin-left: 4px; }
.totals div:not(.label) { display: flex; justify-content: space-between; font-variant-numeric: tabular-nums; }
.made .value { color: var(--made); } .done .value { color: var(--done); } .queue .value { color: var(--queue); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
.chart { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
.chart svg { width: 100%; height: 110px; display: block; }
.chart polyline { fill: none; stroke-width: 2; vector-effect: non-scaling-stroke; }
.legend { display: flex; gap: 14px; font-size: 12px; color: var(--dim); }
.legend b { font-weight: 600; }
.key-made { color: var(--made); } .key-done { color: var(--done); } .key-queue { color: var(--queue); }
#made-line { stroke: var(--made); } #done-line { stroke: var(--done); } #queue-line { stroke: var(--queue); }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th, td { text-align: left; padding: 7px 12px; border-bottom: 1px solid var(--line); font-variant-numeric: tabular-nums; }
th { font-size: 12px; color: var(--dim); font-weight: 600; }
tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; }
.bar { display: inline-block; width: 120px; height: 8px; border-radius: 4px; background: var(--line); vertical-align: middle; margin-right: 8px; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--made); }
.up { color: var(--done); font-weight: 600; } .down { color: var(--bad); font-weight: 600; }
.error { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-word; }
.w-time { width: 120px; } .w-task { width: 80px; } .w-target { width: 190px; } .w-reason { width: 130px; }
.empty td { color: var(--dim); text-align: center; }
footer { margin-top: 22px; font-size: 12px; color: var(--dim); }
footer a { color: inherit; }
`;

const SCRIPT = `"use strict";
(function () {
  var KEEP = 60; // figures in the charts: a minute
  var history = [];
  function el(id) { return document.getElementById(id); }
  function text(id, value) { el(id).textContent = value; }
  function rate(v) { return v >= 100 ? v.toFixed(0) : v.toFixed(1); }
  function ms(v) { return v === null || v === undefined ? "\\u2013" : (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + " ms"; }
  function status(words, kind) { var s = el("status"); s.textContent = words; s.className = "status " + kind; }
  function cell(row, value, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    if (typeof value === "string") td.textContent = value; else td.appendChild(value);
    row.appendChild(td);
    return td;
  }
  function emptyRow(body, columns, words) {
    var row = document.createElement("tr");
    row.className = "empty";
    var td = cell(row, words);
    td.colSpan = columns;
    body.appendChild(row);
  }
  function line(id, values, top) {
    var points = values.map(function (v, i) {
      var x = (KEEP - values.length + i) * (600 / (KEEP - 1));
      return x.toFixed(1) + "," + (116 - (v / top) * 110).toFixed(1);
    });
    el(id).setAttribute("points", points.join(" "));
  }
  function niceTop(max) {
    if (max <= 0) return 1;
    var step = Math.pow(10, Math.floor(Math.log10(max)));
    var n = Math.ceil(max / step);
    return (n <= 2 ? 2 : n <= 5 ? 5 : 10) * step;
  }
  function chart() {
    var made = history.map(function (h) { return h.made; });
    var done = history.map(function (h) { return h.done; });
    var queue = history.map(function (h) { return h.queue; });
    var rateTop = niceTop(Math.max.apply(null, made.concat(done)));
    var queueTop = niceTop(Math.max.apply(null, queue));
    line("made-line", made, rateTop);
    line("done-line", done, rateTop);
    line("queue-line", queue, queueTop);
    text("rate-top", rate(rateTop) + " /s");
    text("queue-top", String(queueTop));
  }
  function targets(perTarget) {
    var body = el("targets");
    body.replaceChildren();
    var names = Object.keys(perTarget);
    if (names.length === 0) emptyRow(body, 7, "no consumer");
    names.forEach(function (name) {
      var t = perTarget[name];
      var row = document.createElement("tr");
      row.dataset.target = name;
      cell(row, name);
      cell(row, t.up ? "up" : "down", t.up ? "up" : "down");
      var busy = document.createElement("span");
      var bar = document.createElement("span");
      bar.className = "bar";
      var fill = document.createElement("span");
      fill.style.width = Math.round(t.busy_share * 100) + "%";
      bar.appendChild(fill);
      busy.appendChild(bar);
      busy.appendChild(document.createTextNode(Math.round(t.busy_share * 100) + " %"));
      cell(row, busy, "busy");
      cell(row, rate(t.completed / lastEvery), "num");
      cell(row, ms(t.p50), "num");
      cell(row, ms(t.p95), "num");
      cell(row, String(t.completed_total), "num");
      body.appendChild(row);
    });
  }
  function failures(list) {
    var body = el("failures");
    body.replaceChildren();
    if (list.length === 0) emptyRow(body, 5, "none so far");
    list.forEach(function (f) {
      var row = document.createElement("tr");
      cell(row, new Date(f.time).toLocaleTimeString());
      cell(row, "#" + f.id, "num");
      cell(row, f.target === null ? "never sent" : f.target);
      cell(row, f.reason);
      cell(row, f.error, "error");
      body.appendChild(row);
    });
  }
  var lastEvery = 1;
  function render(f) {
    lastEvery = f.every_s || 1;
    text("queue-depth", String(f.queue_depth));
    text("in-flight", String(f.in_flight));
    text("produced-rate", rate(f.produced_per_s));
    text("completed-rate", rate(f.completed_per_s));
    text("produced-total", String(f.produced));
    text("succeeded-total", String(f.succeeded));
    text("failed-total", String(f.failed));
    text("updated", "updated " + new Date(f.time).toLocaleTimeString());
    if (f.state === "stopping") status("stopping: the calls in flight finish", "warn");
    else status("live", "ok");
    history.push({ made: f.produced_per_s, done: f.completed_per_s, queue: f.queue_depth });
    if (history.length > KEEP) history.splice(0, history.length - KEEP);
    chart();
    targets(f.per_target);
    failures(f.recent_failures);
  }
  text("where", location.host);
  var source = new EventSource("events");
  source.addEventListener("history", function (e) {
    var h = JSON.parse(e.data);
    history = h.produced_per_s.map(function (made, i) { return { made: made, done: h.completed_per_s[i], queue: h.queue_depth[i] }; });
  });
  source.addEventListener("live", function (e) { render(JSON.parse(e.data)); });
  source.addEventListener("end", function () {
    source.close();
    status("stopped: the producer has shut down", "off");
  });
  source.onerror = function () {
    if (source.readyState !== EventSource.CLOSED) status("connection lost: retrying", "off");
  };
})();
`;

const BODY = `<header>
  <h1>RPC producer &middot; live</h1>
  <span id="status" class="status">connecting</span>
  <span class="dim"><span id="where"></span> &middot; <span id="updated">no figures yet</span></span>
</header>
<noscript><p>This page draws its figures with JavaScript. Without it, read <a href="stats">/stats</a>.</p></noscript>
<section class="cards">
  <div class="card queue"><div class="label">queue</div><span class="value" id="queue-depth">&ndash;</span><span class="unit">tasks waiting</span></div>
  <div class="card"><div class="label">in flight</div><span class="value" id="in-flight">&ndash;</span><span class="unit">calls</span></div>
  <div class="card made"><div class="label">made</div><span class="value" id="produced-rate">&ndash;</span><span class="unit">tasks/s</span></div>
  <div class="card done"><div class="label">completed</div><span class="value" id="completed-rate">&ndash;</span><span class="unit">tasks/s</span></div>
  <div class="card totals"><div class="label">since the start</div>
    <div><span>made</span><b id="produced-total">0</b></div><div><span>succeeded</span><b id="succeeded-total">0</b></div><div><span>failed</span><b id="failed-total">0</b></div></div>
</section>
<h2>The last minute</h2>
<section class="charts">
  <div class="chart">
    <div class="legend"><span class="key-made">&#9632; <b>made</b>/s</span><span class="key-done">&#9632; <b>completed</b>/s</span><span>top <span id="rate-top">&ndash;</span></span></div>
    <svg viewBox="0 0 600 120" preserveAspectRatio="none" role="img" aria-label="made and completed per second"><polyline id="made-line" points=""></polyline><polyline id="done-line" points=""></polyline></svg>
  </div>
  <div class="chart">
    <div class="legend"><span class="key-queue">&#9632; <b>queue</b> depth</span><span>top <span id="queue-top">&ndash;</span></span></div>
    <svg viewBox="0 0 600 120" preserveAspectRatio="none" role="img" aria-label="queue depth"><polyline id="queue-line" points=""></polyline></svg>
  </div>
</section>
<h2>Consumers</h2>
<table>
  <thead><tr><th>consumer</th><th>state</th><th>busy</th><th class="num">completed/s</th><th class="num">p50</th><th class="num">p95</th><th class="num">completed</th></tr></thead>
  <tbody id="targets"><tr class="empty"><td colspan="7">waiting for the first figures</td></tr></tbody>
</table>
<h2>Recent failures</h2>
<table>
  <colgroup><col class="w-time"><col class="w-task"><col class="w-target"><col class="w-reason"><col></colgroup>
  <thead><tr><th>time</th><th class="num">task</th><th>consumer</th><th>reason</th><th>error</th></tr></thead>
  <tbody id="failures"><tr class="empty"><td colspan="5">none so far</td></tr></tbody>
</table>
<footer>Figures every second from <a href="events">/events</a> (Server-Sent Events), taken from the producer's own events.
  Also: <a href="stats">/stats</a> &middot; <a href="metrics">/metrics</a> &middot; <a href="healthz">/healthz</a>.</footer>`;

/** The page and the Content-Security-Policy to serve it with. */
export interface LivePage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** Renders the page (the same for every request: the figures come from the stream). */
export function renderLivePage(): LivePage {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RPC producer · live</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
${BODY}
<script>${SCRIPT}</script>
</body>
</html>
`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(SCRIPT)}`,
    `style-src ${sha256(STYLE)}`,
    "connect-src 'self'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return { html, contentSecurityPolicy };
}
