/**
 * The listeners every program that runs tasks puts on dispatch's event stream: the summary's
 * tally, the live stats (and the sampler that makes a `stats` event every `statsEvery` seconds),
 * any others the program has (the producer's report), and the log — last, so that it prints
 * what the others made of the event. The producer and the client's `--load` share it.
 */
import type { ProducerEvent } from "../dispatch/events.js";
import type { ProducerEventStream } from "../dispatch/event-stream.js";
import type { Sampler } from "../dispatch/producer.js";
import type { LogFormat } from "../../cli/index.js";
import { createLogger } from "./log.js";
import { SummaryTally } from "./run-summary.js";
import { LiveStats } from "./stats.js";

export interface RunObservers {
  readonly tally: SummaryTally;
  /** The live stats' sampler, when `statsEvery` > 0: for the producer (or the client) to run. */
  readonly samplers: Sampler[];
}

export function observeRun(
  events: ProducerEventStream,
  targets: readonly string[],
  options: { readonly statsEvery: number; readonly logFormat: LogFormat; readonly quiet: boolean },
  others: readonly { observe(event: ProducerEvent): void }[] = [],
): RunObservers {
  const tally = new SummaryTally(targets);
  events.subscribe((event) => tally.observe(event));
  const samplers: Sampler[] = [];
  if (options.statsEvery > 0) {
    const stats = new LiveStats(targets);
    events.subscribe((event) => stats.observe(event));
    samplers.push({ name: "stats", every: options.statsEvery, sample: (g) => events.emit(stats.snapshot(g.queueDepth, g.inFlight, (target) => g.isUp(target))) });
  }
  for (const other of others) events.subscribe((event) => other.observe(event));
  const output = createLogger(options.logFormat, undefined, { quiet: options.quiet });
  events.subscribe((event) => output.log(event));
  return { tally, samplers };
}
