// Value types state their range; nothing outside it, and nothing a timer cannot hold, gets through.
import { describe, expect, it } from "vitest";
import { MAX_TIMER_SECONDS, ValueError, decimal, integer, oneOf, seconds } from "../../src/cli/index.js";

describe("integer", () => {
  const n = integer(0, 1_000_000_000);
  it("takes ASCII digits in range", () => {
    expect(n.read("007")).toBe(7);
    expect(n.read("1000000000")).toBe(1_000_000_000);
  });
  it.each(["1e21", "-1", "1.5", "0x10", " 1", "", "1000000001", "99999999999999999999999"])("refuses %j", (text) => {
    expect(() => n.read(text)).toThrow(new ValueError("must be an integer from 0 to 1000000000"));
  });
});

describe("decimal", () => {
  it("takes a number in range, refuses the rest", () => {
    expect(decimal(0, 1).read(".25")).toBe(0.25);
    for (const text of ["1.5", "-0.1", "1e-1", "NaN", "Infinity"]) expect(() => decimal(0, 1).read(text)).toThrow(ValueError);
  });
});

describe("seconds", () => {
  it("refuses what a Node timer cannot hold (it would fire after 1 ms)", () => {
    const time = seconds({ beyond: "refuse" });
    expect(time.read(String(MAX_TIMER_SECONDS))).toBe(MAX_TIMER_SECONDS);
    expect(() => time.read("2147483.647")).toThrow(/at most 2147483 \(24\.8 days, the longest a timer holds\)/);
    expect(() => time.read("3000000")).toThrow(ValueError);
    expect(() => time.read("0")).toThrow(/above 0/);
  });

  it("takes a longer time as the longest one where longer means never", () => {
    const timeout = seconds({ beyond: "never" });
    expect(timeout.read("1000000000")).toBe(MAX_TIMER_SECONDS);
    expect(timeout.range).toBe("above 0, and more than 2147483 (24.8 days) means never");
  });

  it("takes 0 when it means something, and says what", () => {
    const every = seconds({ zero: "off", beyond: "refuse" });
    expect(every.read("0")).toBe(0);
    expect(every.range).toBe("0 (off), at most 2147483");
  });

  it("keeps the longest time exact in milliseconds", () => {
    expect(MAX_TIMER_SECONDS * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});

describe("oneOf", () => {
  it("names the choices", () => {
    expect(oneOf(["a", "b", "c"]).placeholder).toBe("a|b|c");
    expect(() => oneOf(["a", "b", "c"]).read("d")).toThrow("must be one of a, b, c");
  });
});
