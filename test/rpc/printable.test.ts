import { describe, expect, it } from "vitest";
import { printable, printableBytes } from "../../src/rpc/index.js";

describe("printable", () => {
  it("leaves short plain text alone", () => {
    expect(printable("system ping", 80)).toBe("system ping");
  });

  it("escapes control characters, terminal escapes included", () => {
    expect(printable("a\tb\nc\u001b[31m", 80)).toBe("a\\tb\\nc\\x1b[31m");
  });

  it("escapes BEL and the Unicode bidi overrides and isolates that reorder a line on screen", () => {
    expect(printable("\u001b]0;owned-title\u0007", 80)).toBe("\\x1b]0;owned-title\\x07");
    expect(printable("abc\u202edcba\u202c \u2066x\u2069 \u202a\u202b\u202d\u2067\u2068", 80)).toBe(
      "abc\\u202edcba\\u202c \\u2066x\\u2069 \\u202a\\u202b\\u202d\\u2067\\u2068",
    );
  });

  it("cuts to the maximum, ending in …", () => {
    const out = printable("x".repeat(200), 80);
    expect(out).toHaveLength(80);
    expect(out.endsWith("…")).toBe(true);
  });

  it("never splits a surrogate pair", () => {
    const out = printable("😀".repeat(50), 11);
    expect(out).toBe("😀".repeat(5) + "…");
  });
});

describe("printableBytes", () => {
  it("shows invalid UTF-8 as U+FFFD and cuts long input", () => {
    expect(printableBytes(Uint8Array.of(0x61, 0xff, 0x62), 80)).toBe("a\ufffdb");
    expect(printableBytes(new Uint8Array(100_000).fill(0x61), 80)).toHaveLength(80);
  });
});
