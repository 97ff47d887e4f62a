// The line of clients waiting their turn at the blocking consumer, and the consumer's independence
// from the generator loop (it is a blocking server by design; issue 12).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WaitingLine } from "../../src/consumer/waiting-line.js";

describe("WaitingLine", () => {
  it("serves first come, first served", () => {
    const line = new WaitingLine<string>();
    line.push("a");
    line.push("b");
    expect(line.shift()).toBe("a");
    line.push("c");
    expect([line.length, line.shift(), line.shift(), line.shift()]).toEqual([2, "b", "c", undefined]);
  });

  it("keeps the order across many arrivals and departures (a flood of connections)", () => {
    const line = new WaitingLine<number>();
    const served: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      line.push(i);
      if (i % 2 === 0) served.push(line.shift()!); // the spent front is dropped as the line grows
    }
    served.push(...line.drain());
    expect(served).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(line.length).toBe(0);
  });
});

describe("the consumer", () => {
  it("imports nothing of the event loop: it is a blocking server, not a program on the loop", () => {
    const dir = join(import.meta.dirname, "..", "..", "src", "consumer");
    const offenders = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .filter((file) => /from\s+["'](\.\.\/)+loop\//.test(readFileSync(join(dir, file), "utf8")));
    expect(offenders).toEqual([]);
  });
});
