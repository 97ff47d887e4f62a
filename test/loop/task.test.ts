import { describe, expect, it } from "vitest";
import { perform, success } from "../../src/loop/effects.js";
import { action, HaltedError, MisuseError, run, sleep, spawn, type Operation, type Outcome, type Task } from "../../src/loop/index.js";
import { runLoop, runValue } from "./run-loop.js";

describe("run", () => {
  it("returns the task at once and calls onExit once with the value", async () => {
    const exits: unknown[] = [];
    let task: { id: number } | undefined;
    await new Promise<void>((done) => {
      task = run(
        function* () {
          yield* sleep(0.001);
          return 7;
        },
        (outcome) => {
          exits.push(outcome);
          done();
        },
      );
      expect(task.id).toBeGreaterThan(0);
    });
    expect(exits).toEqual([{ ok: true, value: 7 }]);
  });

  it("gives onExit the error a root failed with", async () => {
    const outcome = await runLoop(function* () {
      yield* sleep(0);
      throw new Error("boom");
    });
    expect(outcome).toMatchObject({ ok: false, error: { message: "boom" } });
  });

  it("hands a halted root a HaltedError", async () => {
    const outcome = await new Promise((resolve) => {
      const task = run(() => sleep(10), resolve);
      setTimeout(() => task.halt(), 1);
    });
    expect(outcome).toMatchObject({ ok: false, error: expect.any(HaltedError) });
  });
});

describe("errors enter at the yield point", () => {
  it("throws a failed wait into the generator, where try/catch catches it", async () => {
    const value = await runValue(function* () {
      try {
        yield* action<number>("fail soon", (_resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("no luck")), 1);
          return () => clearTimeout(timer);
        });
        return "not reached";
      } catch (error) {
        return `caught ${(error as Error).message}`;
      }
    });
    expect(value).toBe("caught no luck");
  });

  it("refuses a bare yield of something that is not an effect, saying what was yielded", async () => {
    const outcome = await runLoop(function* (): Operation<void> {
      // @ts-expect-error -- the mistake under test: a bare yield of a number
      yield 42;
    });
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: Error }).error;
    expect(error).toBeInstanceOf(MisuseError);
    expect(error.message).toMatch(/yielded 42; write yield\*/);
  });
});

describe("one wake per wait", () => {
  it("drops a second resume of the same wait", async () => {
    const seen: number[] = [];
    await runValue(function* () {
      const first = yield* action<number>("twice", (resolve) => {
        resolve(1);
        resolve(2);
        return () => {};
      });
      seen.push(first);
      yield* sleep(0.002);
    });
    expect(seen).toEqual([1]);
  });

  it("drops a wake that comes after the wait was torn down", async () => {
    let lateResolve: ((value: string) => void) | undefined;
    let teardowns = 0;
    const results: string[] = [];
    await runValue(function* () {
      const child = yield* spawn(function* () {
        results.push(
          yield* action<string>("never in time", (resolve) => {
            lateResolve = resolve;
            return () => teardowns++;
          }),
        );
      });
      yield* sleep(0.001);
      child.halt();
      lateResolve!("too late");
      yield* sleep(0.002);
    });
    expect(teardowns).toBe(1);
    expect(results).toEqual([]);
  });
});

describe("halt", () => {
  it("tears down a sleep and runs finally blocks", async () => {
    const log: string[] = [];
    await runValue(function* () {
      const child = yield* spawn(function* () {
        try {
          yield* sleep(10);
          log.push("woke");
        } finally {
          log.push("finally");
        }
      });
      yield* sleep(0.001);
      child.halt();
      log.push("after halt");
    });
    expect(log).toEqual(["finally", "after halt"]);
  });

  it("halts children before the parent's finally blocks", async () => {
    const log: string[] = [];
    await runValue(function* () {
      const parent = yield* spawn(function* () {
        yield* spawn(function* () {
          try {
            yield* sleep(10);
          } finally {
            log.push("child finally");
          }
        });
        try {
          yield* sleep(10);
        } finally {
          log.push("parent finally");
        }
      });
      yield* sleep(0.001);
      parent.halt();
    });
    expect(log).toEqual(["child finally", "parent finally"]);
  });

  it("makes joiners of the halted task get a HaltedError, without failing the parent", async () => {
    const value = await runValue(function* () {
      const child = yield* spawn(() => sleep(10));
      yield* sleep(0.001);
      child.halt();
      try {
        yield* child;
        return "joined";
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(value).toBe("HaltedError");
  });

  it("takes effect at the next yield when a task halts itself", async () => {
    const log: string[] = [];
    const outcome = await new Promise((resolve) => {
      const task = run(function* () {
        try {
          task.halt();
          log.push("still running until it yields");
          yield* sleep(10);
          log.push("never");
        } finally {
          log.push("finally");
        }
      }, resolve);
    });
    expect(log).toEqual(["still running until it yields", "finally"]);
    expect(outcome).toMatchObject({ ok: false, error: expect.any(HaltedError) });
  });

  it("refuses a yield inside finally during a halt, loudly", async () => {
    const outcome = await runLoop(function* () {
      const child = yield* spawn(function* () {
        try {
          yield* sleep(10);
        } finally {
          yield* sleep(0.001); // the mistake under test
        }
      });
      yield* sleep(0.001);
      child.halt();
      yield* sleep(0.002);
    });
    expect(outcome.ok).toBe(false);
    expect((outcome as { error: Error }).error).toBeInstanceOf(MisuseError);
    expect(String((outcome as { error: Error }).error)).toMatch(/finally blocks must be synchronous/);
  });
});

describe("spawn and structured concurrency", () => {
  it("halts a child when its parent returns", async () => {
    const log: string[] = [];
    await runValue(function* () {
      yield* spawn(function* () {
        try {
          yield* sleep(10);
        } finally {
          log.push("child halted");
        }
      });
      yield* sleep(0.001);
      log.push("parent returns");
    });
    expect(log).toEqual(["parent returns", "child halted"]);
  });

  it("gives a child's value to the task that joins it", async () => {
    const value = await runValue(function* () {
      const child = yield* spawn(function* () {
        yield* sleep(0.001);
        return 21;
      });
      return (yield* child) * 2;
    });
    expect(value).toBe(42);
  });

  it("gives a child's error to the task joining it, not to the parent", async () => {
    const value = await runValue(function* () {
      const child = yield* spawn(function* (): Operation<number> {
        yield* sleep(0.001);
        throw new Error("child broke");
      });
      try {
        return yield* child;
      } catch (error) {
        return -1 * ((error as Error).message === "child broke" ? 1 : 0);
      }
    });
    expect(value).toBe(-1);
  });

  it("throws a child's error into its parent at the parent's current yield*, when nobody joins it", async () => {
    const log: string[] = [];
    const value = await runValue(function* () {
      yield* spawn(function* () {
        yield* sleep(0.001);
        throw new Error("child broke");
      });
      try {
        yield* sleep(10); // the parent waits elsewhere
        return "slept";
      } catch (error) {
        log.push(`caught ${(error as Error).message}`);
        return "caught";
      }
    });
    expect(value).toBe("caught");
    expect(log).toEqual(["caught child broke"]);
  });

  it("fails the parent when it does not catch the child's error, halting its other children", async () => {
    const log: string[] = [];
    const outcome = await runLoop(function* () {
      yield* spawn(function* () {
        try {
          yield* sleep(10);
        } finally {
          log.push("sibling halted");
        }
      });
      yield* spawn(function* () {
        yield* sleep(0.001);
        throw new Error("child broke");
      });
      yield* sleep(10);
    });
    expect(outcome).toMatchObject({ ok: false, error: { message: "child broke" } });
    expect(log).toEqual(["sibling halted"]);
  });
});

describe("errors never vanish through the API", () => {
  it("tells a watcher how a failed child ended, but the error still goes to the parent", async () => {
    const watched: unknown[] = [];
    const outcome = await runLoop(function* () {
      const child = yield* spawn(function* (): Operation<void> {
        yield* sleep(0.001);
        throw new Error("child broke");
      });
      child.watch((ended) => watched.push(ended)); // a watcher that does not rethrow owns nothing
      yield* sleep(10);
    });
    expect(watched).toMatchObject([{ ok: false, error: { message: "child broke" } }]);
    expect(outcome).toMatchObject({ ok: false, error: { message: "child broke" } });
  });

  it("still gives the error to the task that joins a watched child", async () => {
    const value = await runValue(function* () {
      const child = yield* spawn(function* (): Operation<void> {
        yield* sleep(0.001);
        throw new Error("child broke");
      });
      child.watch(() => {});
      try {
        yield* child;
        return "joined";
      } catch (error) {
        return `caught ${(error as Error).message}`;
      }
    });
    expect(value).toBe("caught child broke");
  });
});

describe("the drain loop", () => {
  it("survives a million synchronous hand-offs without growing the stack", async () => {
    // Each wait resolves at once, inside `enter`: without a flat drain loop this would recurse.
    const count = await runValue(function* () {
      let n = 0;
      for (let i = 0; i < 1_000_000; i++) {
        n += yield* perform<number>({
          label: "instant",
          enter(resume) {
            resume(success(1));
            return () => {};
          },
        });
      }
      return n;
    });
    expect(count).toBe(1_000_000);
  });

  it("lets a timer fire while a task keeps resuming at once (a busy task never starves I/O)", async () => {
    let timerFiredAt: number | undefined;
    const firedBefore = await runValue(function* () {
      setTimeout(() => (timerFiredAt = Date.now()), 1);
      const started = Date.now();
      let i = 0;
      // Every wait resolves inside `enter`; only the loop's budgets give Node a turn.
      while (timerFiredAt === undefined && Date.now() - started < 5_000) {
        yield* perform<void>({
          label: "instant",
          enter(resume) {
            resume(success(undefined));
            return () => {};
          },
        });
        i++;
      }
      return timerFiredAt !== undefined && i > 0;
    });
    expect(firedBefore).toBe(true);
  });
});

describe("halts and errors that meet in one turn (found by the property test)", () => {
  /** A generator that fails at its first step, in the same turn as a sibling that does too. */
  // eslint-disable-next-line require-yield -- failing before any yield is the point
  function* failAtOnce(message: string): Operation<void> {
    throw new Error(message);
  }

  function exit<T>(body: () => Operation<T>, setup?: (task: Task<T>) => void): Promise<Outcome<T>> {
    return new Promise((resolve) => {
      const task = run(body, resolve);
      setup?.(task);
    });
  }

  it("ends a parent halted from its child's finally only after the child", async () => {
    const log: string[] = [];
    let child!: Task<void>;
    let root!: Task<void>;
    await exit<void>(
      function* () {
        child = yield* spawn(function* () {
          try {
            yield* sleep(10);
          } finally {
            root.halt(); // cleanup that stops the whole program
          }
        });
        setTimeout(() => child.halt(), 1); // halted from a callback, as a timeout does
        try {
          yield* sleep(10);
        } finally {
          log.push(`root finally: child done = ${child.done}`);
        }
      },
      (task) => (root = task),
    );
    expect(log).toEqual(["root finally: child done = true"]);
  });

  it("halts a task that halts itself and then its parent in one step, child first", async () => {
    const log: string[] = [];
    let child!: Task<void>;
    let root!: Task<void>;
    await exit<void>(
      function* () {
        child = yield* spawn(function* () {
          child.halt();
          root.halt();
          yield* spawn(() => sleep(10)); // resumes at once, but the halt takes effect here
          log.push("never");
        });
        try {
          yield* sleep(10);
        } finally {
          log.push(`root finally: child done = ${child.done}`);
        }
      },
      (task) => (root = task),
    );
    expect(log).toEqual(["root finally: child done = true"]);
  });

  it("throws both errors when two children fail in the same turn, one per yield", async () => {
    const caught: string[] = [];
    const outcome = await exit(function* () {
      yield* spawn(() => failAtOnce("first"));
      yield* spawn(() => failAtOnce("second"));
      for (let i = 0; i < 2; i++) {
        try {
          yield* sleep(0.01);
        } catch (error) {
          caught.push((error as Error).message);
        }
      }
      return "done";
    });
    expect(caught).toEqual(["first", "second"]);
    expect(outcome).toEqual({ ok: true, value: "done" });
  });

  it("fails a parent halted while a child's error was on its way in, with that error", async () => {
    let root!: Task<void>;
    const outcome = await exit<void>(
      function* () {
        yield* spawn(() => failAtOnce("boom"));
        yield* spawn(function* () {
          root.halt();
          yield* sleep(0);
        });
        yield* sleep(0.01);
      },
      (task) => (root = task),
    );
    expect(outcome).toMatchObject({ ok: false, error: { message: "boom" } });
  });

  it("passes a child's error on when the task joining it is halted before it receives it", async () => {
    const outcome = await exit(function* () {
      const failing = yield* spawn(function* () {
        yield* sleep(0.001);
        throw new Error("boom");
      });
      const joiner = yield* spawn(function* () {
        yield* failing;
      });
      yield* spawn(function* () {
        yield* sleep(0.001);
        joiner.halt();
      });
      yield* sleep(0.01);
      return "done";
    });
    expect(outcome).toMatchObject({ ok: false, error: { message: "boom" } });
  });

  it("never delivers an error twice: a late joiner halted before it receives its copy drops it", async () => {
    let root!: Task<void>;
    const caught: string[] = [];
    const outcome = await exit<void>(
      function* () {
        const failing = yield* spawn(() => failAtOnce("boom"));
        try {
          yield* failing;
        } catch (error) {
          caught.push((error as Error).message); // received: the error is dealt with
        }
        yield* spawn(function* () {
          root.halt(); // takes effect at this task's next yield, the join below
          yield* failing; // a done task: the join hands over a copy of its error at once
        });
        yield* sleep(0.01);
      },
      (task) => (root = task),
    );
    expect(caught).toEqual(["boom"]);
    expect(outcome).toMatchObject({ ok: false, error: { name: "HaltedError" } });
  });

  it("fails a halted joiner with the error it was handed when the failed task's parent is gone too", async () => {
    let root!: Task<void>;
    const outcome = await exit<void>(
      function* () {
        let grandchild!: Task<void>;
        yield* spawn(function* () {
          grandchild = yield* spawn(function* (): Operation<void> {
            yield* sleep(0.01);
            root.halt(); // halts its parent on the way, before the root receives the error
            throw new Error("boom");
          });
          yield* sleep(10);
        });
        yield* sleep(0.001);
        yield* grandchild;
      },
      (task) => (root = task),
    );
    expect(outcome).toMatchObject({ ok: false, error: { message: "boom" } });
  });
});
