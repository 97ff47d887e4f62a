/**
 * The event loop's public API (PROTOCOL.md §5): what a program written on the loop needs.
 * Coroutines are `function*` generators that `yield*` operations; start one with `run`.
 *
 * Every operation here is lazy and re-runnable: calling `sleep(1)` or `queue.get()` only
 * describes the work, and each `yield*` runs it afresh. Errors never vanish: a failed task's
 * error goes to the task that joins it (`yield* task`), or else to its parent at its current
 * `yield*`, or to `run`'s `onExit` (task.ts's header tells the whole story).
 *
 * Writing a new kind of wait (an effect)? That machinery is in `./effects.ts`.
 */
export type { Operation, Result as Outcome } from "./effect.js";
export type { Task, Watcher } from "./task.js";
export { HaltedError, LoopBugError, MisuseError, TimeoutError } from "./errors.js";
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
