// Every operation is lazy and re-runnable, as in effection: calling `sleep(1)` or `queue.get()`
// only describes the work; nothing happens until `yield*`, and each `yield*` runs it afresh.
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { perform, success, type Effect } from "../../src/loop/effects.js";
import { action, connect, Queue, sleep, spawn, timebox, withTimeout, type Operation, type Task } from "../../src/loop/index.js";
import { runValue } from "./run-loop.js";

describe("a saved operation", () => {
  it("sleep waits its full time on every run", async () => {
    const elapsed = await runValue(function* () {
      const nap = sleep(0.02);
      const started = performance.now();
      yield* nap;
      yield* nap;
      return performance.now() - started;
    });
    expect(elapsed).toBeGreaterThanOrEqual(38); // two naps of 20 ms (a timer may round down by 1 ms)
  });

  it("queue.get() created but never run takes nothing", async () => {
    const left = await runValue(function* () {
      const queue = new Queue<string>();
      yield* queue.put("kept");
      queue.get(); // described, not run
      return { size: queue.size, item: yield* queue.get() };
    });
    expect(left).toEqual({ size: 1, item: "kept" });
  });

  it("queue.get() loses nothing when its task is halted between making it and running it", async () => {
    const size = await runValue(function* () {
      const queue = new Queue<string>();
      yield* queue.put("precious");
      const taker = yield* spawn(function* () {
        const get = queue.get();
        yield* sleep(10); // halted here, before the get runs
        return yield* get;
      });
      yield* sleep(0.001);
      taker.halt();
      return queue.size;
    });
    expect(size).toBe(1);
  });

  it("queue.get() run twice takes two items", async () => {
    const got = await runValue(function* () {
      const queue = new Queue<number>();
      yield* queue.put(1);
      yield* queue.put(2);
      const get = queue.get();
      return [yield* get, yield* get, queue.size];
    });
    expect(got).toEqual([1, 2, 0]);
  });

  it("queue.put() puts nothing until run, and puts again on each run", async () => {
    const sizes = await runValue(function* () {
      const queue = new Queue<string>();
      const put = queue.put("x");
      const before = queue.size;
      yield* put;
      yield* put;
      return [before, queue.size];
    });
    expect(sizes).toEqual([0, 2]);
  });

  it("queue.put() on a full queue waits on each run", async () => {
    const log = await runValue(function* () {
      const queue = new Queue<number>(1);
      const log: string[] = [];
      const put = queue.put(7);
      yield* spawn(function* () {
        yield* put;
        log.push("first put");
        yield* put;
        log.push("second put");
      });
      yield* sleep(0.001);
      log.push(`got ${yield* queue.get()}`);
      yield* sleep(0.001);
      log.push(`got ${yield* queue.get()}`);
      return log;
    });
    expect(log).toEqual(["first put", "got 7", "second put", "got 7"]);
  });

  it("action runs its setup on each run, and not before", async () => {
    const result = await runValue(function* () {
      let setups = 0;
      const next = action<number>("count", (resolve) => {
        resolve(++setups);
        return () => {};
      });
      const before = setups;
      return [before, yield* next, yield* next];
    });
    expect(result).toEqual([0, 1, 2]);
  });

  it("perform(effect) enters the effect on each run", async () => {
    const result = await runValue(function* () {
      let entered = 0;
      const effect: Effect<number> = {
        label: "count",
        enter(resume) {
          resume(success(++entered));
          return () => {};
        },
      };
      const op = perform(effect);
      return [yield* op, yield* op];
    });
    expect(result).toEqual([1, 2]);
  });

  it("spawn starts a new child on each run, and none before", async () => {
    const result = await runValue(function* () {
      let started = 0;
      const start = spawn(function* () {
        started++;
        yield* sleep(0);
      });
      yield* sleep(0.001);
      const before = started;
      const a: Task<void> = yield* start;
      const b: Task<void> = yield* start;
      yield* a;
      yield* b;
      return { before, started, different: a.id !== b.id };
    });
    expect(result).toEqual({ before: 0, started: 2, different: true });
  });

  it("withTimeout and timebox run their operation afresh on each run", async () => {
    const result = await runValue(function* () {
      const nap = sleep(0.002);
      const bounded = withTimeout(1, nap);
      const boxed = timebox(0.001, sleep(1));
      yield* bounded;
      yield* bounded;
      return [(yield* boxed).timedOut, (yield* boxed).timedOut];
    });
    expect(result).toEqual([true, true]);
  });

  it("joining a task twice gives its value twice", async () => {
    const result = await runValue(function* () {
      const child = yield* spawn(function* (): Operation<number> {
        yield* sleep(0.001);
        return 5;
      });
      return [yield* child, yield* child];
    });
    expect(result).toEqual([5, 5]);
  });
});

describe("saved socket operations", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function serve(onConnection: (socket: Socket) => void): Promise<number> {
    const server = createServer(onConnection);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  }

  it("connect opens a new connection on each run, and none before", async () => {
    let connections = 0;
    const port = await serve((socket) => {
      connections++;
      socket.end();
    });
    const result = await runValue(function* () {
      const open = connect("127.0.0.1", port);
      yield* sleep(0.01);
      const before = connections;
      const first = yield* open;
      const second = yield* open;
      first.close();
      second.close();
      return { before, different: first !== second };
    });
    expect(result).toEqual({ before: 0, different: true });
  });

  it("write sends its data on each run", async () => {
    let received = "";
    const port = await serve((socket) => {
      socket.on("data", (chunk) => (received += chunk));
      socket.on("end", () => socket.end());
    });
    await runValue(function* () {
      const connection = yield* connect("127.0.0.1", port);
      try {
        const hello = connection.write("hi ");
        yield* hello;
        yield* hello;
        yield* connection.end();
        yield* connection.readToEnd();
      } finally {
        connection.close();
      }
    });
    expect(received).toBe("hi hi ");
  });
});
