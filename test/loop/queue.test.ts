import { describe, expect, it } from "vitest";
import { Queue, sleep, spawn } from "../../src/loop/index.js";
import { runValue } from "./run-loop.js";

describe("Queue", () => {
  it("is first in, first out, and get returns at once when an item is there", async () => {
    const got = await runValue(function* () {
      const queue = new Queue<number>();
      for (const n of [1, 2, 3]) yield* queue.put(n);
      expect(queue.size).toBe(3);
      return [yield* queue.get(), yield* queue.get(), yield* queue.get()];
    });
    expect(got).toEqual([1, 2, 3]);
  });

  it("serves waiting getters in the order they began to wait", async () => {
    const served: string[] = [];
    await runValue(function* () {
      const queue = new Queue<number>();
      for (const name of ["a", "b", "c"]) {
        yield* spawn(function* () {
          const item = yield* queue.get();
          served.push(`${name}:${item}`);
        });
        yield* sleep(0); // let each one start waiting, in this order
      }
      for (const n of [1, 2, 3]) yield* queue.put(n);
      yield* sleep(0.002);
    });
    expect(served).toEqual(["a:1", "b:2", "c:3"]);
  });

  it("makes put wait while the queue is full (backpressure), in order", async () => {
    const log: string[] = [];
    await runValue(function* () {
      const queue = new Queue<number>(2);
      yield* spawn(function* () {
        for (let n = 1; n <= 4; n++) {
          yield* queue.put(n);
          log.push(`put ${n}`);
        }
      });
      yield* sleep(0.002);
      log.push(`size ${queue.size}`);
      for (let i = 0; i < 4; i++) log.push(`got ${yield* queue.get()}`);
    });
    expect(log.slice(0, 3)).toEqual(["put 1", "put 2", "size 2"]);
    expect(log.filter((line) => line.startsWith("got"))).toEqual(["got 1", "got 2", "got 3", "got 4"]);
  });

  it("lets a getter be halted while waiting, and the next item goes to the next getter", async () => {
    const served: string[] = [];
    await runValue(function* () {
      const queue = new Queue<string>();
      const first = yield* spawn(function* () {
        served.push(`first:${yield* queue.get()}`);
      });
      yield* spawn(function* () {
        served.push(`second:${yield* queue.get()}`);
      });
      yield* sleep(0.001);
      first.halt();
      yield* queue.put("x");
      yield* sleep(0.001);
      expect(queue.waitingGetters).toBe(0);
    });
    expect(served).toEqual(["second:x"]);
  });

  it("gives an item back when its getter is halted after being handed it but before running", async () => {
    const result = await runValue(function* () {
      const queue = new Queue<string>();
      const getter = yield* spawn(function* () {
        return yield* queue.get();
      });
      yield* sleep(0.001);
      yield* queue.put("precious"); // handed to the waiting getter...
      getter.halt(); // ...which is halted before it could run
      return { size: queue.size, item: yield* queue.get() };
    });
    expect(result).toEqual({ size: 1, item: "precious" });
  });

  it("lets a putter be halted while waiting for room, without adding its item", async () => {
    const result = await runValue(function* () {
      const queue = new Queue<number>(1);
      yield* queue.put(1);
      const putter = yield* spawn(() => queue.put(2));
      yield* sleep(0.001);
      putter.halt();
      const first = yield* queue.get();
      return { first, size: queue.size };
    });
    expect(result).toEqual({ first: 1, size: 0 });
  });

  it("removes matching items, queued or waiting to be put, and lets the putters go on", async () => {
    const result = await runValue(function* () {
      const queue = new Queue<number>(2);
      yield* queue.put(1);
      yield* queue.put(2);
      const putter = yield* spawn(() => queue.put(3));
      yield* sleep(0.001);
      const removed = queue.removeWhere((n) => n !== 2);
      yield* putter;
      return { removed, size: queue.size, left: yield* queue.get() };
    });
    expect(result).toEqual({ removed: [1, 3], size: 1, left: 2 });
  });

  it("rejects a limit that is not a positive integer", () => {
    expect(() => new Queue(0)).toThrow(/limit/);
    expect(() => new Queue(1.5)).toThrow(/limit/);
  });
});
