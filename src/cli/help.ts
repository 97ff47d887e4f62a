// Help text that fits a terminal of 80 columns: words wrapped, and two-column lists (options,
// profiles) whose second column wraps under itself.

/** The width every `--help` line fits in. */
export const HELP_COLUMNS = 80;

/** A space that {@link wrap} never breaks at: `(default:${NO_BREAK}2)` stays on one line. */
export const NO_BREAK = "\u00a0";

/** `text` wrapped at spaces to `width` columns, every line after the first indented by `indent`. */
export function wrap(text: string, width = HELP_COLUMNS, indent = 0): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/)) {
    const room = width - (lines.length === 0 ? 0 : indent);
    if (line !== "" && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? "" : " ".repeat(indent)) + l.replaceAll(NO_BREAK, " "));
}

/** Paragraphs (separated by blank lines) wrapped to {@link HELP_COLUMNS}. */
export function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => wrap(p.replace(/\s*\n\s*/g, " ")).join("\n"))
    .join("\n\n");
}

/**
 * Rows of `term  description`, indented by 2: the descriptions start in one column and wrap under
 * it; a term too long for the column gets its description on the next line.
 */
export function twoColumns(rows: readonly (readonly [string, string])[], maxTerm = 26): string {
  const column = 2 + Math.min(maxTerm, Math.max(...rows.map(([term]) => term.length))) + 2;
  return rows
    .flatMap(([term, description]) => {
      const body = wrap(description, HELP_COLUMNS - column);
      const first = `  ${term}`;
      const lines = first.length + 2 > column ? [first, ...body.map((l) => " ".repeat(column) + l)] : [first.padEnd(column) + body[0]!, ...body.slice(1).map((l) => " ".repeat(column) + l)];
      return lines;
    })
    .join("\n");
}
