/**
 * The event loop's public API (PROTOCOL.md §5). Coroutines are `function*` generators that
 * `yield*` operations; start with `run`, and read task.ts's header to see how it works inside.
 */
export { DONE, failure, perform, success } from "./effect.js";
export type { Effect, Operation, Result, Resume, Teardown } from "./effect.js";
export { HaltedError, LoopBugError, MisuseError, TimeoutError } from "./errors.js";
export { Task } from "./task.js";
export { run } from "./run.js";
export { spawn } from "./spawn.js";
export { sleep } from "./sleep.js";
export { action } from "./action.js";
export { Queue } from "./queue.js";
export { timebox, withTimeout } from "./timeout.js";
export type { Timeboxed } from "./timeout.js";
export { connect, Connection, SocketError } from "./net.js";
export type { ConnectOptions } from "./net.js";
export { listen, Listener } from "./listen.js";
