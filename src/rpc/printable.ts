// Client bytes end up in log lines and error messages; make them safe to print on one line and
// short, so a 64 KiB request or a terminal escape sequence never reaches a terminal as it came.

const lossyDecoder = new TextDecoder("utf-8", { fatal: false });

// C0 controls, DEL and the C1 range: none of them should reach a terminal raw. Nor the Unicode
// bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make a line
// display in another order than it reads ("Trojan Source").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escapeControl(char: string): string {
  switch (char) {
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    default: {
      const code = char.charCodeAt(0);
      return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, "0")}`;
    }
  }
}

function cutTo(text: string, maxChars: number): string {
  let cut = text.slice(0, Math.max(0, maxChars - 1));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1); // never split a surrogate pair
  return cut + "…";
}

/**
 * `text` on one line: control characters and bidi overrides escaped (`\n`, `\x1b`, `\u202e`), cut to at most
 * `maxChars` characters, the last one `…` when something was cut.
 */
export function printable(text: string, maxChars: number, truncated = false): string {
  const escaped = text.slice(0, maxChars + 1).replace(CONTROL, escapeControl);
  if (!truncated && text.length <= maxChars && escaped.length <= maxChars) return escaped;
  return cutTo(escaped, maxChars);
}

/** Raw bytes as {@link printable} text; invalid UTF-8 shows as U+FFFD. */
export function printableBytes(bytes: Uint8Array, maxChars: number): string {
  // Decoding a prefix keeps the cost bounded; 4 bytes per character covers any UTF-8.
  const limit = maxChars * 4 + 4;
  const head = bytes.length > limit ? bytes.subarray(0, limit) : bytes;
  return printable(lossyDecoder.decode(head), maxChars, head !== bytes);
}
