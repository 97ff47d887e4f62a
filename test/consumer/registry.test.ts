import { describe, expect, it } from "vitest";
import { Registry, parseFibonacciArgument, standardHandlers, type HandlerMethod } from "../../src/consumer/registry.js";
import { RpcError } from "../../src/rpc/index.js";

const registry = new Registry(standardHandlers({ maxFib: 1_000_000 }));

function call(handler: string, method: string, ...args: string[]): string {
  return registry.call({ handler, method, args });
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof RpcError) return error.code;
    throw error;
  }
  return undefined;
}

describe("the standard handlers", () => {
  it("answers system ping with pong", () => {
    expect(call("system", "ping")).toBe("pong");
  });

  it("answers system sleep MS after blocking for MS milliseconds, without using the CPU", () => {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    expect(call("system", "sleep", "30")).toBe("slept 30");
    expect(performance.now() - wall).toBeGreaterThanOrEqual(29);
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1000).toBeLessThan(20);
    expect(call("system", "sleep", "000")).toBe("slept 0");
  });

  it("bounds system sleep MS by --max-sleep-ms and takes digits only", () => {
    const bounded = new Registry(standardHandlers({ maxSleepMs: 5 }));
    const sleepOf = (...args: string[]) => bounded.call({ handler: "system", method: "sleep", args });
    expect(sleepOf("5")).toBe("slept 5");
    expect(codeOf(() => sleepOf("6"))).toBe("bad_argument");
    expect(() => sleepOf("6")).toThrow(/--max-sleep-ms/);
    for (const bad of ["-1", "1.5", "1e3", "0x10", ""]) expect(codeOf(() => sleepOf(bad))).toBe("bad_argument");
    expect(codeOf(() => sleepOf())).toBe("bad_argument");
    expect(codeOf(() => sleepOf("1", "2"))).toBe("bad_argument");
  });

  it("calculates Fibonacci numbers, leading zeros allowed", () => {
    expect(call("fibonacci_generator", "calculate", "10")).toBe("55");
    expect(call("fibonacci_generator", "calculate", "007")).toBe("13");
    expect(call("fibonacci_generator", "calculate", "0")).toBe("0");
  });

  it("scores the words joined by single spaces", () => {
    expect(call("neural_analyzer", "polarity", "I", "love", "cats")).toBe("0.2");
  });

  it("is case-sensitive", () => {
    expect(codeOf(() => call("System", "ping"))).toBe("unknown_handler");
    expect(codeOf(() => call("system", "Ping"))).toBe("unknown_method");
  });
});

describe("argument checks (bad_argument, saying what is allowed)", () => {
  it.each([[[]], [["1", "2"]], [["-1"]], [["+1"]], [["1.0"]], [["1e3"]], [["0x10"]], [["１２"]], [["1000001"]], [["99999999999999999999999"]]])(
    "calculate %j",
    (args) => {
      expect(codeOf(() => call("fibonacci_generator", "calculate", ...args))).toBe("bad_argument");
    },
  );

  it("accepts N up to --max-fib and no further", () => {
    expect(parseFibonacciArgument(["20"], 20)).toBe(20);
    expect(parseFibonacciArgument(["00000000000000000000020"], 20)).toBe(20);
    expect(() => parseFibonacciArgument(["21"], 20)).toThrow(/0\.\.20/);
  });

  it("refuses polarity without words and ping with arguments", () => {
    expect(codeOf(() => call("neural_analyzer", "polarity"))).toBe("bad_argument");
    expect(codeOf(() => call("system", "ping", "now"))).toBe("bad_argument");
  });

  it("says what is allowed", () => {
    expect(() => call("fibonacci_generator", "calculate", "x")).toThrow(/exactly one argument N, an integer 0\.\.1000000/);
  });
});

describe("names that are never callable", () => {
  const prototypeNames = Object.getOwnPropertyNames(Object.prototype);

  it.each(prototypeNames)("refuses %s as a handler and as a method", (name) => {
    expect(codeOf(() => call(name, "ping"))).toBe("unknown_handler");
    for (const handler of ["system", "fibonacci_generator", "neural_analyzer"]) {
      expect(codeOf(() => call(handler, name, "1"))).toBe("unknown_method");
    }
  });

  it("refuses Map and Function prototype names and private-looking names", () => {
    for (const name of ["get", "set", "has", "call", "apply", "bind", "prototype", "_private", "__proto__", "constructor"]) {
      expect(codeOf(() => call(name, "ping"))).toBe("unknown_handler");
      expect(codeOf(() => call("system", name))).toBe("unknown_method");
    }
  });

  it("cannot even register a name that starts with _ or is not a plain identifier", () => {
    const method: HandlerMethod = () => "x";
    expect(() => new Registry(new Map([["_secret", new Map([["run", method]])]]))).toThrow(/public name/);
    expect(() => new Registry(new Map([["system", new Map([["_run", method]])]]))).toThrow(/public name/);
    expect(() => new Registry(new Map([["sys tem", new Map([["run", method]])]]))).toThrow(/public name/);
  });

  it("names the handlers and methods that exist when refusing", () => {
    expect(() => call("nope", "x")).toThrow(/handlers: fibonacci_generator, neural_analyzer, system/);
    expect(() => call("system", "nope")).toThrow(/methods: ping/);
  });
});
