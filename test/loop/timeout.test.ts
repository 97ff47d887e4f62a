import { describe, expect, it } from "vitest";
import { sleep, spawn, timebox, TimeoutError, withTimeout, type Operation } from "../../src/loop/index.js";
import { runValue } from "./run-loop.js";

function* slowly<T>(seconds: number, value: T, log?: string[]): Operation<T> {
  try {
    yield* sleep(seconds);
    return value;
  } finally {
    log?.push(`cleanup ${String(value)}`);
  }
}

describe("withTimeout", () => {
  it("returns the value when the operation is in time", async () => {
    expect(await runValue(() => withTimeout(1, slowly(0.001, "fast")))).toBe("fast");
  });

  it("cancels the operation (its finally runs) and throws TimeoutError at the caller", async () => {
    const log: string[] = [];
    const error = await runValue(function* () {
      try {
        yield* withTimeout(0.005, slowly(10, "slow", log));
        return undefined;
      } catch (caught) {
        return caught;
      }
    });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: "TimeoutError", seconds: 0.005 });
    expect(log).toEqual(["cleanup slow"]);
  });

  it("fires while a child of the operation runs, halting the child too", async () => {
    const log: string[] = [];
    await runValue(function* () {
      try {
        yield* withTimeout(
          0.005,
          (function* () {
            yield* spawn(() => slowly(10, "grandchild", log));
            yield* sleep(10);
          })(),
        );
      } catch (error) {
        log.push((error as Error).name);
      }
    });
    expect(log).toEqual(["cleanup grandchild", "TimeoutError"]);
  });

  it("rethrows the operation's own error, not a timeout", async () => {
    const error = await runValue(function* () {
      try {
        yield* withTimeout(
          1,
          (function* () {
            yield* sleep(0.001);
            throw new Error("own error");
          })(),
        );
      } catch (caught) {
        return caught;
      }
      return undefined;
    });
    expect(error).toMatchObject({ message: "own error" });
  });

  it("never confuses nested timeouts: an outer expiry halts the inner one", async () => {
    const caught: string[] = [];
    await runValue(function* () {
      try {
        yield* withTimeout(
          0.005,
          (function* () {
            try {
              yield* withTimeout(10, sleep(10), "inner");
            } catch (error) {
              caught.push(`inner caught ${String(error)}`); // must not happen: it was halted
            }
          })(),
          "outer",
        );
      } catch (error) {
        caught.push(`outer caught ${(error as TimeoutError).operation}`);
      }
    });
    expect(caught).toEqual(["outer caught outer"]);
  });

  it("never confuses nested timeouts: an inner expiry is the inner's, and the outer goes on", async () => {
    const result = await runValue(() =>
      withTimeout(
        1,
        (function* () {
          try {
            yield* withTimeout(0.002, sleep(10), "inner");
            return "no timeout";
          } catch (error) {
            return `inner ${(error as TimeoutError).operation} after ${(error as TimeoutError).seconds} s`;
          }
        })(),
        "outer",
      ),
    );
    expect(result).toBe("inner inner after 0.002 s");
  });
});

describe("timebox", () => {
  it("reports running out of time as a value", async () => {
    expect(await runValue(() => timebox(0.002, sleep(10)))).toEqual({ timedOut: true });
    expect(await runValue(() => timebox(1, slowly(0, 5)))).toEqual({ timedOut: false, value: 5 });
  });

  it("rejects a negative or infinite time at the caller", async () => {
    await expect(runValue(() => timebox(-1, sleep(0)))).rejects.toThrow(RangeError);
    await expect(runValue(() => sleep(Number.POSITIVE_INFINITY))).rejects.toThrow(/finite/);
  });
});
