/**
 * Text that came from the network (replies, error messages, commands), made safe for a terminal:
 * control characters escaped by `printable` (ESC, BEL: no escape sequence reaches the terminal),
 * and Unicode's bidirectional controls and line separators too, which would reorder or break
 * what the reader sees (U+202E makes `txt.exe` of `exe.txt`). One line, at most `maxChars`.
 */
import { printable } from "../../rpc/index.js";

// Bidi marks, embeddings, overrides and isolates; the line and paragraph separators.
const INVISIBLE_CONTROL = /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeInvisible(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** `text` as a terminal may show it: escaped, on one line, cut to `maxChars` with a final `…`. */
export function terminalText(text: string, maxChars: number): string {
  return printable(text, maxChars).replace(INVISIBLE_CONTROL, escapeInvisible);
}
