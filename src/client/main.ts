/**
 * The client's entry point (PROTOCOL §8): ./run_rpc_client.sh runs it (bundled into
 * dist/client.js). It runs on the loop like the producer: a request, or the whole load, is a
 * coroutine. Exit codes: 0 for a result (every task succeeded), 1 for an ERROR answer or a failure
 * (some task failed), 2 for bad usage.
 */
import { commandLineOrExit, findUnresolvedHost, usageLine } from "../cli/index.js";
import { run, startTrace, type TraceRecording } from "../loop/index.js";
import { ProducerEventStream } from "../producer/dispatch/event-stream.js";
import { observeRun } from "../producer/telemetry/observe-run.js";
import { CLIENT, parseClientCli, type ClientOptions, type LoadOptions } from "./command-line.js";
import { AmqpDoor, answerLine, HttpDoor, LineDoor, TransportError, type FrontDoor } from "./front-door.js";
import { sendLoad } from "./load.js";

function open(options: ClientOptions): FrontDoor {
  const { destination, timeout, maxReplyBytes } = options;
  switch (destination.kind) {
    case "line":
      return new LineDoor(destination.target, timeout, maxReplyBytes);
    case "http":
      return new HttpDoor(destination.url, timeout, maxReplyBytes);
    case "amqp":
      return new AmqpDoor(destination.url, destination.queue, timeout, destination.display);
  }
}

function failedByBug(error: unknown): void {
  process.stderr.write(`run_rpc_client.sh failed (a bug): ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
}

/** `--trace FILE.json`: starts recording the loop now; `written` writes it (at the run's end). */
function traceFor(options: ClientOptions): { written: () => void } {
  const file = options.trace;
  const trace: TraceRecording | undefined = file === undefined ? undefined : startTrace({ seconds: options.traceSeconds, processName: "client" });
  return {
    written() {
      if (trace === undefined || file === undefined) return;
      try {
        trace.write(file);
      } catch (error) {
        process.stderr.write(`run_rpc_client.sh: could not write the trace ${file}: ${(error as Error).message}\n`);
        process.exitCode = 1;
      }
    },
  };
}

function sendOne(door: FrontDoor, command: string, options: ClientOptions): void {
  const trace = traceFor(options);
  run(
    function* () {
      try {
        yield* door.open();
        return yield* door.send(command);
      } finally {
        door.close();
      }
    },
    (outcome) => {
      if (outcome.ok) {
        process.stdout.write(`${answerLine(outcome.value)}\n`);
        process.exitCode = outcome.value.kind === "result" ? 0 : 1;
      } else if (outcome.error instanceof TransportError) {
        process.stderr.write(`run_rpc_client.sh: ${outcome.error.message}\n`);
        process.exitCode = 1;
      } else {
        failedByBug(outcome.error);
      }
      trace.written();
    },
    `request → ${door.name}`,
  );
}

/** The payload through the door, with the producer's own events, live stats and summary. */
function sendLoadThrough(door: FrontDoor, load: LoadOptions, options: ClientOptions): void {
  const trace = traceFor(options);
  const targets = [door.name];
  const events = new ProducerEventStream();
  const { tally, samplers } = observeRun(events, targets, load);
  const { payload } = load;
  events.emit({
    event: "started",
    targets,
    options: { load: true, interval: payload.interval, fib_share: payload.fibShare, fib_min: payload.fibMin, fib_max: payload.fibMax, seed: payload.seed, tasks: payload.tasks ?? null, duration: payload.duration ?? null },
  });
  run(
    function* () {
      try {
        yield* door.open();
        return yield* sendLoad(door, payload, events.emit, samplers);
      } finally {
        door.close();
      }
    },
    (outcome) => {
      trace.written();
      if (!outcome.ok && outcome.error instanceof TransportError) {
        process.stderr.write(`run_rpc_client.sh: ${outcome.error.message}\n`);
        process.exitCode = 1;
        return;
      }
      if (!outcome.ok) return failedByBug(outcome.error);
      events.emit({ event: "summary", ...tally.summary() });
      process.exitCode = outcome.value.failed === 0 && outcome.value.lost === 0 ? 0 : 1; // the log flushes at exit
    },
    `load → ${door.name}`,
  );
}

const options = commandLineOrExit(parseClientCli(process.argv.slice(2)));
if (options !== undefined) {
  const { destination } = options;
  const host = destination.kind === "line" ? destination.target.host : destination.kind === "http" ? destination.url.hostname : new URL(destination.url).hostname;
  findUnresolvedHost([host], (unresolved) => {
    if (unresolved !== undefined) {
      process.stderr.write(`${usageLine(CLIENT, `the host ${unresolved.host} does not resolve (${unresolved.code})`)}\n`);
      process.exitCode = 2;
      return;
    }
    const door = open(options);
    if (options.load !== undefined) sendLoadThrough(door, options.load, options);
    else if (options.command !== undefined) sendOne(door, options.command, options);
  });
}
