// Hand-made events of the loop's trace (PROTOCOL §9), in milliseconds for the reader; the trace's
// own unit is microseconds.
import type { LoopTraceEvent } from "../../../src/producer/report/loop-windows.js";

export const thread = (tid: number, name: string): LoopTraceEvent => ({ name: "thread_name", ph: "M", tid, args: { name } });

export const step = (tid: number, atMs: number, durMs = 0.05): LoopTraceEvent => ({ name: "run", cat: "run", ph: "X", tid, ts: atMs * 1000, dur: durMs * 1000 });

export const wait = (tid: number, on: string, atMs: number, durMs: number): LoopTraceEvent => ({ name: on, cat: "wait", ph: "X", tid, ts: atMs * 1000, dur: durMs * 1000 });

/** A wake flow: `fromTid`'s step at `atMs` made `toTid` ready; its step began at `toMs`. */
export const wake = (id: number, fromTid: number, atMs: number, toTid: number, toMs: number): LoopTraceEvent[] => [
  { name: "wake", cat: "wake", ph: "s", id, tid: fromTid, ts: atMs * 1000 },
  { name: "wake", cat: "wake", ph: "f", id, tid: toTid, ts: toMs * 1000 },
];

/** The counter the producer's recording starts with: where its time begins. */
export const start = (atMs = 0): LoopTraceEvent => ({ name: "queue", ph: "C", ts: atMs * 1000, args: { queue: 0 } });
