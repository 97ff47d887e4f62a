// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's
// description (prometheus.io, "Exposition formats"), for tests: it throws on anything the format
// does not allow, so a page it reads is one Prometheus would scrape.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  readonly help: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, line: number): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: ${JSON.stringify(text)} is not a number`);
  return Number(text);
}

/** Reads `{a="x",b="y"}` starting at `text[0] === "{"`; returns the labels and what follows. */
function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const eq = text.indexOf("=", i);
    if (eq < 0) throw new Error(`line ${line}: label without "="`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value must be quoted`);
    let value = "";
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === "\\") {
        const next = text[++j];
        if (next === "n") value += "\n";
        else if (next === "\\" || next === '"') value += next;
        else throw new Error(`line ${line}: bad escape \\${next}`);
      } else {
        value += text[j];
      }
    }
    if (j >= text.length) throw new Error(`line ${line}: unterminated label value`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new Error(`line ${line}: expected "," or "}" after a label`);
  }
}

/** The family a sample belongs to: its own name, or a histogram's/summary's base name. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  const own = families.get(name);
  if (own !== undefined) return own;
  const base = name.replace(/_(bucket|sum|count)$/, "");
  const family = families.get(base);
  return family !== undefined && (family.type === "histogram" || family.type === "summary") ? family : undefined;
}

/** Parses a whole page; throws on the first line the format does not allow. */
export function parsePrometheusText(page: string): Map<string, Family> {
  if (!page.endsWith("\n")) throw new Error("the page must end with a newline");
  const families = new Map<string, Family>();
  const help = new Map<string, string>();
  page
    .slice(0, -1)
    .split("\n")
    .forEach((text, index) => {
      const line = index + 1;
      if (text.trim() === "") return;
      const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(text);
      if (meta) {
        const [, kind, name, rest] = meta as unknown as [string, string, string, string];
        if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name ${JSON.stringify(name)}`);
        if (kind === "HELP") help.set(name, rest);
        else {
          if (!TYPES.has(rest)) throw new Error(`line ${line}: unknown type ${JSON.stringify(rest)}`);
          if (families.has(name)) throw new Error(`line ${line}: TYPE of ${name} given twice`);
          families.set(name, { name, type: rest as Family["type"], help: help.get(name) ?? "", samples: [] });
        }
        return;
      }
      if (text.startsWith("#")) return; // a comment
      const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text);
      if (!nameMatch) throw new Error(`line ${line}: not a sample: ${JSON.stringify(text)}`);
      const name = nameMatch[0];
      let rest = text.slice(name.length);
      let labels: Record<string, string> = {};
      if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, line));
      const fields = rest.trim().split(/\s+/);
      if (!rest.startsWith(" ") || fields.length < 1 || fields.length > 2) throw new Error(`line ${line}: expected " value [timestamp]"`);
      const family = familyOf(name, families);
      if (family === undefined) throw new Error(`line ${line}: sample ${name} before its # TYPE line`);
      family.samples.push({ name, labels, value: parseValue(fields[0]!, line) });
    });
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

/** Buckets cumulative, ending at le="+Inf" equal to _count, per label set. */
function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  for (const sample of family.samples) {
    if (sample.name !== `${family.name}_bucket`) continue;
    const { le, ...rest } = sample.labels;
    if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
    const key = JSON.stringify(rest);
    series.set(key, [...(series.get(key) ?? []), sample]);
  }
  for (const [key, buckets] of series) {
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${family.name}${key}: buckets are not cumulative`);
      if (parseValue(buckets[i]!.labels.le!, 0) <= parseValue(buckets[i - 1]!.labels.le!, 0)) throw new Error(`${family.name}${key}: le not increasing`);
    }
    const last = buckets.at(-1)!;
    if (last.labels.le !== "+Inf") throw new Error(`${family.name}${key}: the last bucket must be le="+Inf"`);
    const count = family.samples.find((s) => s.name === `${family.name}_count` && JSON.stringify(s.labels) === key);
    if (count === undefined || count.value !== last.value) throw new Error(`${family.name}${key}: _count must equal the +Inf bucket`);
  }
}
