import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fibonacci } from "../../src/consumer/fibonacci.js";

describe("fibonacci", () => {
  it("starts F(0) = 0, F(1) = 1, F(2) = 1", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(fibonacci)).toEqual([0n, 1n, 1n, 2n, 3n, 5n, 8n, 13n]);
  });

  it("knows the values the protocol quotes", () => {
    expect(fibonacci(10)).toBe(55n);
    expect(fibonacci(100)).toBe(354224848179261915075n);
  });

  it("agrees with the plain sum for the first 300 values", () => {
    let [a, b] = [0n, 1n];
    for (let n = 0; n < 300; n++) {
      expect(fibonacci(n)).toBe(a);
      [a, b] = [b, a + b];
    }
  });

  it("satisfies F(m+n) = F(m)·F(n+1) + F(m−1)·F(n) for m, n up to 10⁵", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (m, n) => {
        expect(fibonacci(m + n)).toBe(fibonacci(m) * fibonacci(n + 1) + fibonacci(m - 1) * fibonacci(n));
      }),
      { numRuns: 30 },
    );
  });

  it("gives F(10⁶) with its 208,988 digits quickly", () => {
    const started = performance.now();
    const digits = fibonacci(1_000_000).toString();
    expect(digits).toHaveLength(208_988);
    expect(performance.now() - started).toBeLessThan(2_000); // ~80 ms here; generous for slow CI
    // Checked independently: the last digits by plain addition modulo 10¹⁰ ...
    let [a, b] = [0, 1];
    for (let i = 0; i < 1_000_000; i++) [a, b] = [b, (a + b) % 1e10];
    expect(digits.slice(-10)).toBe(String(a).padStart(10, "0"));
    // ... and the first ones from Binet's formula, F(n) ≈ φⁿ/√5.
    const log10 = 1_000_000 * Math.log10((1 + Math.sqrt(5)) / 2) - Math.log10(Math.sqrt(5));
    expect(digits.slice(0, 6)).toBe(String(Math.floor(10 ** (log10 % 1) * 1e5)));
  });

  it("refuses what is not a non-negative safe integer", () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => fibonacci(bad)).toThrow(RangeError);
  });
});
