/**
 * Small time-series charts as inline SVG for the HTML report: lines, filled areas and dots on
 * linear axes with round-numbered ticks. Static markup only — no script, no external file — so
 * the report opens anywhere, offline, and survives being mailed around.
 */

/** A point in data units. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** One thing drawn on a chart. */
export type Layer =
  | { readonly kind: "line"; readonly colour: string; readonly points: readonly Point[]; readonly width?: number; readonly dashed?: boolean }
  | { readonly kind: "area"; readonly colour: string; readonly points: readonly Point[]; readonly opacity?: number }
  | {
      readonly kind: "dots";
      readonly colour: string;
      readonly points: readonly (Point & { readonly title?: string })[];
      readonly radius?: number;
      readonly opacity?: number;
    };

/** A vertical line at `x` with a short label (a target going down, say). */
export interface Marker {
  readonly x: number;
  readonly colour: string;
  readonly label: string;
}

/** What {@link chart} draws: size, axes and layers (drawn in order, later on top). */
export interface ChartSpec {
  readonly width: number;
  readonly height: number;
  /** The x axis runs from 0 to exactly `xMax` (the end of the run), with round ticks inside. */
  readonly xMax: number;
  /** The y axis runs from 0 to `yMax` (rounded up to a tick); points above it sit on the top edge as ▲. */
  readonly yMax: number;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly layers: readonly Layer[];
  readonly markers?: readonly Marker[];
  /** A summary of the chart for screen readers. */
  readonly description: string;
}

const MARGIN = { left: 64, right: 16, top: 14, bottom: 40 };

/** The chart as an `<svg>` element. */
export function chart(spec: ChartSpec): string {
  const { width, height } = spec;
  const xMax = spec.xMax > 0 ? spec.xMax : 1;
  const xTicks = niceTicks(xMax, 8).filter((x) => x <= xMax * (1 + 1e-9));
  const yTicks = niceTicks(spec.yMax);
  const yMax = yTicks.at(-1)!;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => MARGIN.left + (x / xMax) * plotWidth;
  const sy = (y: number): number => MARGIN.top + plotHeight - (Math.min(y, yMax) / yMax) * plotHeight;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(spec.description)}">`);
  for (const y of yTicks) {
    out.push(`<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${f(sy(y))}" y2="${f(sy(y))}"/>`);
    out.push(`<text class="tick" x="${MARGIN.left - 6}" y="${f(sy(y) + 4)}" text-anchor="end">${formatTick(y, yTicks)}</text>`);
  }
  for (const x of xTicks) {
    out.push(`<line class="tickmark" x1="${f(sx(x))}" x2="${f(sx(x))}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight + 4}"/>`);
    out.push(`<text class="tick" x="${f(sx(x))}" y="${MARGIN.top + plotHeight + 17}" text-anchor="middle">${formatTick(x, xTicks)}</text>`);
  }
  out.push(`<line class="axis" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}"/>`);
  out.push(`<text class="label" x="${MARGIN.left + plotWidth / 2}" y="${height - 4}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`);
  out.push(`<text class="label" transform="translate(14 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`);
  for (const marker of spec.markers ?? []) {
    const x = f(sx(marker.x));
    out.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="${marker.colour}" stroke-dasharray="3 3"/>`);
    out.push(`<text class="marker" x="${f(sx(marker.x) + 3)}" y="${MARGIN.top + 10}" fill="${marker.colour}">${escapeHtml(marker.label)}</text>`);
  }
  for (const layer of spec.layers) out.push(drawLayer(layer, sx, sy, yMax, MARGIN.top + plotHeight));
  out.push("</svg>");
  return out.join("\n");
}

function drawLayer(layer: Layer, sx: (x: number) => number, sy: (y: number) => number, yMax: number, baseline: number): string {
  switch (layer.kind) {
    case "line": {
      if (layer.points.length === 0) return "";
      const dash = layer.dashed ? ` stroke-dasharray="6 4"` : "";
      return `<path d="${path(layer.points, sx, sy)}" fill="none" stroke="${layer.colour}" stroke-width="${layer.width ?? 2}" stroke-linejoin="round"${dash}/>`;
    }
    case "area": {
      if (layer.points.length === 0) return "";
      const first = layer.points[0]!;
      const last = layer.points.at(-1)!;
      const d = `M${f(sx(first.x))},${f(baseline)} ${path(layer.points, sx, sy).replace(/^M/, "L")} L${f(sx(last.x))},${f(baseline)} Z`;
      return [
        `<path d="${d}" fill="${layer.colour}" fill-opacity="${layer.opacity ?? 0.25}" stroke="none"/>`,
        `<path d="${path(layer.points, sx, sy)}" fill="none" stroke="${layer.colour}" stroke-width="1.5"/>`,
      ].join("\n");
    }
    case "dots": {
      const r = layer.radius ?? 2.5;
      const opacity = layer.opacity ?? 0.6;
      const shapes = layer.points.map((p) => {
        const title = p.title === undefined ? "" : `<title>${escapeHtml(p.title)}</title>`;
        const x = f(sx(p.x));
        if (p.y > yMax) {
          // Off the scale: a small triangle on the top edge, so an outlier is seen but does not flatten the rest.
          const y = sy(yMax);
          return `<path d="M${x},${f(y - 1)} l${r + 1},${2 * r + 2} h${-2 * r - 2} Z">${title}</path>`;
        }
        const y = f(sy(p.y));
        return title === "" ? `<circle cx="${x}" cy="${y}" r="${r}"/>` : `<circle cx="${x}" cy="${y}" r="${r}">${title}</circle>`;
      });
      return `<g fill="${layer.colour}" fill-opacity="${opacity}">${shapes.join("")}</g>`;
    }
  }
}

function path(points: readonly Point[], sx: (x: number) => number, sy: (y: number) => number): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${f(sx(p.x))},${f(sy(p.y))}`).join(" ");
}

/** Ticks from 0 to at least `max` in steps of 1, 2, 2.5 or 5 × 10ⁿ, about `count` of them (at most twice that). */
export function niceTicks(max: number, count = 5): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const raw = top / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const tick = Number((i * step).toPrecision(12));
    ticks.push(tick);
    if (tick >= top - 1e-9 * top) break;
  }
  return ticks;
}

function formatTick(value: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  let decimals = 0;
  while (decimals < 6 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals++;
  return value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** One decimal is plenty for screen coordinates and keeps the file small. */
function f(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Text made safe for HTML and SVG content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
