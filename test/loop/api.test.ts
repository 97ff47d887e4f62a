// The loop's public face (PROTOCOL.md §5) and its entry for effect authors.
import { describe, expect, it } from "vitest";
import * as effects from "../../src/loop/effects.js";
import * as loop from "../../src/loop/index.js";
import { runValue } from "./run-loop.js";

describe("the loop's public API", () => {
  it("exports every name of PROTOCOL §5, and not the machinery for writing effects", () => {
    for (const name of ["run", "spawn", "sleep", "Queue", "withTimeout", "timebox", "action", "TimeoutError", "HaltedError", "connect", "Connection", "SocketError"]) {
      expect(loop, name).toHaveProperty(name);
    }
    for (const name of ["perform", "success", "failure", "DONE", "InlineEffect", "Suspend", "Coroutine", "Task"]) {
      expect(loop, name).not.toHaveProperty(name);
    }
  });

  it("gives effect authors their machinery in a separate entry", () => {
    for (const name of ["perform", "operation", "success", "failure", "DONE", "InlineEffect", "Suspend"]) {
      expect(effects, name).toHaveProperty(name);
    }
  });

  it("hands out tasks with an id, halt() and yield*", async () => {
    const seen = await runValue(function* () {
      const child = yield* loop.spawn(() => loop.sleep(10));
      const keys = { id: typeof child.id, halt: typeof child.halt, iterator: typeof child[Symbol.iterator] };
      child.halt();
      return keys;
    });
    expect(seen).toEqual({ id: "number", halt: "function", iterator: "function" });
    expect(new loop.TimeoutError(1, "x").name).toBe("TimeoutError");
    expect(new loop.HaltedError("x").name).toBe("HaltedError");
  });
});
