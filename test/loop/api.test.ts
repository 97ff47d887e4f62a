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

  it("names a task by its role when asked (spawn and run take an optional name)", async () => {
    const names = await runValue(function* () {
      const worker = yield* loop.spawn(() => loop.sleep(10), "worker 127.0.0.1:9000");
      const unnamed = yield* loop.spawn(() => loop.sleep(10));
      worker.halt();
      unnamed.halt();
      return [worker.name, unnamed.name];
    });
    expect(names).toEqual(["worker 127.0.0.1:9000", undefined]);
    const root = loop.run(() => loop.sleep(0), () => {}, "producer");
    expect(root.name).toBe("producer");
  });

  it("says waits as a person reads them: seconds rounded, queue and verb", async () => {
    expect(loop.sleep(0.498679465)).toHaveProperty("label", "sleep 0.5 s");
    expect(loop.sleep(12.345)).toHaveProperty("label", "sleep 12.3 s");
    expect(new loop.Queue<number>(10, "tasks").get()).toHaveProperty("label", "get tasks");
    expect(new loop.Queue<number>(10, "tasks").put(1)).toHaveProperty("label", "put tasks");
  });
});
