// The handlers a request can reach, in explicit maps from handler name to method name to function.
// Nothing is ever looked up by name on a JavaScript object, so `constructor`, `__proto__`,
// `toString` and friends can never be called whatever a request says; names starting with `_`
// cannot even be registered.

import { DEFAULT_MAX_FIB, DEFAULT_MAX_SLEEP_MS, RpcError, printable, type RpcRequest } from "../rpc/index.js";
import { fibonacci } from "./fibonacci.js";
import { polarity } from "./polarity.js";

/** A callable method: takes the request's arguments, returns the reply's text (one line). */
export type HandlerMethod = (args: readonly string[]) => string;

/** Handler name → method name → method. */
export type HandlerTable = ReadonlyMap<string, ReadonlyMap<string, HandlerMethod>>;

const PUBLIC_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function quoted(text: string): string {
  return JSON.stringify(printable(text, 40));
}

/** Dispatches requests to the methods of a fixed handler table. */
export class Registry {
  private readonly handlers: ReadonlyMap<string, ReadonlyMap<string, HandlerMethod>>;

  /** @throws Error when a handler or method name is not public (`[A-Za-z][A-Za-z0-9_]*`). */
  constructor(table: HandlerTable) {
    const handlers = new Map<string, ReadonlyMap<string, HandlerMethod>>();
    for (const [handler, methods] of table) {
      if (!PUBLIC_NAME.test(handler)) throw new Error(`handler name ${quoted(handler)} is not a public name`);
      for (const method of methods.keys()) {
        if (!PUBLIC_NAME.test(method)) throw new Error(`method name ${handler}.${quoted(method)} is not a public name`);
      }
      handlers.set(handler, new Map(methods)); // a copy: later changes to `table` cannot add methods
    }
    this.handlers = handlers;
  }

  /** The handler names, sorted. */
  handlerNames(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** The method names of `handler`, sorted (empty for an unknown handler). */
  methodNames(handler: string): string[] {
    return [...(this.handlers.get(handler)?.keys() ?? [])].sort();
  }

  /**
   * Calls `request.handler.method(...request.args)` and returns the reply's text.
   * @throws RpcError `unknown_handler` / `unknown_method`, or whatever the method throws
   * (`bad_argument` for arguments it refuses).
   */
  call(request: RpcRequest): string {
    const methods = this.handlers.get(request.handler);
    if (methods === undefined) {
      throw new RpcError(
        "unknown_handler",
        `no handler named ${quoted(request.handler)}; handlers: ${this.handlerNames().join(", ")}`,
      );
    }
    const method = methods.get(request.method);
    if (method === undefined) {
      throw new RpcError(
        "unknown_method",
        `handler ${request.handler} has no method ${quoted(request.method)}; methods: ${this.methodNames(request.handler).join(", ")}`,
      );
    }
    return method(request.args);
  }
}

/** Options of the standard handlers. */
export interface StandardHandlerOptions {
  /** Largest N for `fibonacci_generator calculate N` (`--max-fib`). */
  readonly maxFib: number;
  /** Largest MS for `system sleep MS` (`--max-sleep-ms`). */
  readonly maxSleepMs: number;
}

const DIGITS = /^[0-9]+$/;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * The one argument of `method` (`calculate N`, `sleep MS`): one token of ASCII digits (leading
 * zeros allowed), at most `max`, the bound set by the option `bound`.
 * @throws RpcError `bad_argument` saying what is allowed.
 */
function parseCountArgument(method: string, name: string, args: readonly string[], max: number, bound: string): number {
  const allowed = `exactly one argument ${name}, an integer 0..${max} in ASCII digits`;
  if (args.length !== 1) {
    throw new RpcError("bad_argument", `${method} takes ${allowed}; got ${plural(args.length, "argument")}`);
  }
  const token = args[0]!;
  if (!DIGITS.test(token)) {
    throw new RpcError("bad_argument", `${method} takes ${allowed} (no sign, point, exponent or 0x); got ${quoted(token)}`);
  }
  const digits = token.replace(/^0+(?=.)/, "");
  // Longer than any safe integer is out of range anyway; Number() would round it.
  const n = digits.length > 15 ? Number.POSITIVE_INFINITY : Number(digits);
  if (n > max) {
    throw new RpcError("bad_argument", `${method} takes ${allowed} (the bound is ${bound}); got ${quoted(token)}`);
  }
  return n;
}

/** The N of `calculate N`, at most `maxFib`. @throws RpcError `bad_argument` saying what is allowed. */
export function parseFibonacciArgument(args: readonly string[], maxFib: number): number {
  return parseCountArgument("calculate", "N", args, maxFib, "--max-fib");
}

/** The MS of `sleep MS`, at most `maxSleepMs`. @throws RpcError `bad_argument` saying what is allowed. */
export function parseSleepArgument(args: readonly string[], maxSleepMs: number): number {
  return parseCountArgument("sleep", "MS", args, maxSleepMs, "--max-sleep-ms");
}

/**
 * Blocks the whole thread for `ms` without using the CPU: a stand-in for slow synchronous work
 * (a model, a disk). `Atomics.wait` on a cell nobody ever notifies simply times out.
 */
export function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The protocol's handlers (PROTOCOL §2) in a map, ready for a {@link Registry}. */
export function standardHandlers(options: Partial<StandardHandlerOptions> = {}): HandlerTable {
  const { maxFib = DEFAULT_MAX_FIB, maxSleepMs = DEFAULT_MAX_SLEEP_MS } = options;
  return new Map<string, ReadonlyMap<string, HandlerMethod>>([
    ["fibonacci_generator", new Map([["calculate", (args) => fibonacci(parseFibonacciArgument(args, maxFib)).toString()]])],
    [
      "neural_analyzer",
      new Map([
        [
          "polarity",
          (args) => {
            if (args.length === 0) {
              throw new RpcError("bad_argument", "polarity takes one or more words; got none");
            }
            return polarity(args.join(" "));
          },
        ],
      ]),
    ],
    [
      "system",
      new Map([
        [
          "ping",
          (args) => {
            if (args.length > 0) throw new RpcError("bad_argument", `ping takes no arguments; got ${plural(args.length, "argument")}`);
            return "pong";
          },
        ],
        [
          "sleep",
          (args) => {
            const ms = parseSleepArgument(args, maxSleepMs);
            blockFor(ms);
            return `slept ${ms}`;
          },
        ],
      ]),
    ],
  ]);
}
