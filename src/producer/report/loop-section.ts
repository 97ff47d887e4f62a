/**
 * The report's "The loop" section: the two swimlanes of loop-windows.ts, with what a reader needs
 * to read them — the legend, what each window is, and how much of the run the recording covers.
 */
import { MAX_ROWS, type LoopData, type SwimlaneWindow } from "./loop-windows.js";
import { escapeHtml } from "./svg-chart.js";
import { SWIMLANE_KEYS, swimlaneSvg } from "./swimlane-svg.js";

/** The section as HTML; empty when the loop was not recorded. */
export function loopSection(loop: LoopData | null): string {
  if (loop === null) return "";
  const legend = `<p class="legend">${SWIMLANE_KEYS.map(([label, kind]) => `<span><i class="${kind}"></i>${escapeHtml(label)}</span>`).join("")}</p>`;
  const windows = loop.windows.map((window) => windowFigure(window, loop.window_ms)).join("\n");
  const busiestMissing =
    loop.windows.length < 2 ? `<p class="note">No busiest window: nothing ran after the first ${loop.window_ms} ms.</p>` : "";
  return `<section id="the-loop">
<h2>The loop</h2>
<p class="explain">How the producer's one thread was shared among its tasks. One row per task, named by its role; a dark bar for each step it ran, a light bar for
each wait, its colour and text saying what it waited on (point at a bar for its tooltip), and an orange arrow from the step that made a task ready to the
step that task ran next. The loop runs one task at a time: no two dark bars overlap.</p>
${legend}
${windows}
${busiestMissing}
<p class="note">${coverage(loop)}</p>
</section>`;
}

function windowFigure(window: SwimlaneWindow, windowMs: number): string {
  const heading =
    window.kind === "first"
      ? `The first ${windowMs} ms, from the loop's first step at ${seconds(window.from_ms)} s`
      : `The busiest ${windowMs} ms after them, from ${seconds(window.from_ms)} s`;
  const why = window.kind === "busiest" ? ` Of all ${windowMs} ms after the first, starting at a step, these have the most steps beginning in them.` : "";
  const share = Math.round((window.run_ms / windowMs) * 100);
  const leftOut =
    window.rows_left_out === 0
      ? ""
      : ` ${window.rows_left_out} more task${window.rows_left_out === 1 ? " was" : "s were"} active here: only the ${MAX_ROWS} that ran most often are drawn.`;
  return `<figure class="loop-window" data-window="${window.kind}">
<figcaption><b>${heading}</b>: ${window.steps} step${window.steps === 1 ? "" : "s"} began, the loop ran tasks ${share} % of the time, ${window.rows.length} task${window.rows.length === 1 ? "" : "s"}.${why}${leftOut}</figcaption>
${swimlaneSvg(window)}
</figure>`;
}

function coverage(loop: LoopData): string {
  const stopped = loop.stopped_early === null ? "" : ` (it stopped when ${escapeHtml(loop.stopped_early)})`;
  return `Drawn from the recording of the loop that <code>--trace FILE.json</code> writes (open that in Perfetto for the whole of it): it covers
the first ${seconds(loop.recorded_ms)} s of the run${stopped}, at most <code>--trace-seconds</code> (${loop.trace_seconds} s) and as much as its buffer holds;
${loop.tasks} tasks ran ${loop.steps} steps in it. Times are since the recording began, with the run.`;
}

function seconds(ms: number): string {
  return (ms / 1000).toLocaleString("en-US", { maximumFractionDigits: 3 });
}
