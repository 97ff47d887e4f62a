import { describe, expect, it } from "vitest";
import { colourWanted, colours } from "../../src/cli/index.js";

describe("colour", () => {
  it("is on only for a terminal with NO_COLOR unset or empty", () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
  });

  it("gives plain text when off", () => {
    expect(colours(false).red("x")).toBe("x");
    expect(colours(true).red("x")).toBe("\x1b[31mx\x1b[39m");
  });
});
