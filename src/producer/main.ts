/**
 * The producer's entry point: parse the command line, wire the intakes (the payload), dispatch and
 * the observers (summary, live stats, report, log, the live page of --http and --dashboard) on one
 * event stream, start the run on the loop, map signals to a graceful then a forced stop, print the
 * summary (and write the HTML report), exit 0 / 1 / 2 (PROTOCOL §4).
 */
import { listen, run, SocketError, spawn, startTrace, type Operation, type TraceRecording } from "../loop/index.js";
import type { Intake } from "./dispatch/intake.js";
import { ListenIntake } from "./intake/listen.js";
import { AmqpIntake } from "./intake/amqp.js";
import { HttpIntake } from "./intake/http.js";
import { StatusPages, type StatusViews } from "./intake/status-pages.js";
import { serveDashboard } from "./intake/dashboard.js";
import { LiveFeed } from "./telemetry/live-feed.js";
import { renderLivePage } from "./telemetry/live-page.js";
import { serveHttp } from "../http/server.js";
import type { ProducerEvent } from "./dispatch/events.js";
import { ProducerMetrics } from "./telemetry/metrics.js";
import { ProducerEventStream } from "./dispatch/event-stream.js";
import type { RunCounts } from "./dispatch/ledger.js";
import { Producer } from "./dispatch/producer.js";
import { ClientPayload } from "./intake/payload.js";
import { commandLineOrExit, findUnresolvedHost, usageLine } from "../cli/index.js";
import { describeOptions, parseCli, PRODUCER, type Cli } from "./options.js";
import { observeRun } from "./telemetry/observe-run.js";
import { writeReport } from "./report/report.js";
import { ReportRecorder } from "./report/report-data.js";
import { loopData } from "./report/loop-windows.js";

function start(cli: Cli): void {
  // A reader that goes away (`| head`) ends the run quietly rather than with a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(1);
  });
  const targets = cli.targets.map((target) => target.name);
  const options = describeOptions(cli);

  // One stream of events; every observer listens to it, and the log prints it last.
  const events = new ProducerEventStream();
  const recorder = cli.report === undefined ? undefined : new ReportRecorder({ targets, options, profile: cli.profile, interval: cli.interval });
  const { tally, samplers } = observeRun(events, targets, cli, recorder === undefined ? [] : [recorder]);
  if (recorder !== undefined) samplers.push(recorder);

  events.emit({ event: "started", targets, options });
  const intakes: Intake[] = [];
  if (cli.payload) intakes.push(new ClientPayload(cli));
  // The live page's figures, for --http and --dashboard: a feed on the same events, sampled every second.
  const live = cli.http === undefined && cli.dashboard === undefined ? undefined : new LiveFeed(targets);
  if (live !== undefined) {
    events.subscribe((event) => live.observe(event));
    samplers.push(live.sampler);
  }
  const producer = new Producer(cli, intakes, events.emit, samplers);
  // One recording of the loop serves both the --trace file and the report's swimlanes.
  const trace =
    cli.trace === undefined && cli.report === undefined
      ? undefined
      : startTrace({ seconds: cli.traceSeconds, processName: "producer", counters: { queue: () => producer.queueDepth, in_flight: () => producer.inFlight } });

  /** Binds the front doors (a taken port is said at once, before any task), then runs. */
  function* openDoorsAndRun(): Operation<RunCounts> {
    const doorOptions = { limits: cli.limits, queueTimeout: cli.queueTimeout, queueLimit: cli.queueLimit };
    if (cli.listen !== undefined) {
      const listener = yield* openDoor("listen", cli.listen, listen);
      producer.addIntake(new ListenIntake(listener, doorOptions, events.emit));
    }
    if (live !== undefined) {
      const pages = new StatusPages(statusViews(live));
      // A child of this task, not an intake: the pages' streams end when the run is over, and hold nothing up.
      yield* spawn(() => pages.run(), "live streams");
      if (cli.http !== undefined) {
        const listener = yield* openDoor("http", cli.http, serveHttp);
        events.emit({ event: "live_page", url: `http://${listener.address}/`, door: "http" });
        producer.addIntake(new HttpIntake(listener, doorOptions, pages, events.emit));
      }
      if (cli.dashboard !== undefined) {
        const listener = yield* openDoor("dashboard", cli.dashboard, serveHttp, false);
        events.emit({ event: "live_page", url: `http://${listener.address}/`, door: "dashboard" });
        yield* spawn(() => serveDashboard(listener, pages, events.emit), `dashboard ${listener.address}`);
      }
    }
    if (cli.amqp !== undefined) {
      producer.addIntake(new AmqpIntake({ ...cli.amqp, limits: cli.limits, queueTimeout: cli.queueTimeout }, events.emit));
    }
    // With a front door, --duration bounds the whole run (the payload bounds itself).
    if ((cli.listen !== undefined || cli.http !== undefined || cli.amqp !== undefined) && cli.duration !== undefined) {
      setTimeout(() => producer.requestShutdown("--duration"), cli.duration * 1000).unref();
    }
    return yield* producer.run();
  }

  /** The state the status pages show (/, /events, /healthz, /stats, /metrics), from the same events. */
  function statusViews(feed: LiveFeed): StatusViews {
    const metrics = new ProducerMetrics(targets);
    events.subscribe((event) => metrics.observe(event));
    let latestStats: Extract<ProducerEvent, { event: "stats" }> | undefined;
    events.subscribe((event) => {
      if (event.event === "stats") latestStats = event;
    });
    return {
      targets,
      gauges: () => producer.gauges,
      latestStats: () => latestStats,
      metrics: () => metrics.render(producer.gauges),
      page: renderLivePage(),
      live: feed,
    };
  }

  /** Binds a door; `frontDoor` false for the --dashboard, which takes no tasks (its `live_page` event says it is open). */
  function* openDoor<L extends { readonly address: string }>(
    intake: string,
    where: { readonly host: string; readonly port: number; readonly name: string },
    bind: (host: string, port: number) => Operation<L>,
    frontDoor = true,
  ): Operation<L> {
    try {
      const listener = yield* bind(where.host, where.port);
      if (frontDoor) events.emit({ event: "front_door", intake, address: listener.address });
      return listener;
    } catch (error) {
      if (error instanceof SocketError) throw new FrontDoorError(`cannot open --${intake} ${where.name}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  // Every way out that prints a summary comes through here: the run's end, and a second signal.
  const finish = (counts: RunCounts): never => {
    const summary = tally.summary();
    events.emit({ event: "summary", ...summary });
    let code = counts.failed === 0 && counts.lost === 0 ? 0 : 1;
    if (!writeTrace(trace, cli.trace)) code = 1;
    if (recorder !== undefined && cli.report !== undefined) {
      try {
        trace?.stop();
        const loop = trace === undefined ? null : loopData(trace.events(), { seconds: cli.traceSeconds, stoppedEarly: trace.stoppedEarly });
        writeReport(cli.report, recorder.data(summary, producer.queueDepth, producer.inFlight, loop));
        events.emit({ event: "report", path: cli.report });
      } catch (error) {
        process.stderr.write(`run_rpc_producer.sh: could not write the report ${cli.report}: ${(error as Error).message}\n`);
        code = 1;
      }
    }
    process.exit(code);
  };
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals === 1) producer.requestShutdown(signal);
    else finish(producer.abort(signal));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  run(openDoorsAndRun, (outcome) => {
      if (outcome.ok) {
        finish(outcome.value);
      } else if (outcome.error instanceof FrontDoorError) {
        process.stderr.write(`run_rpc_producer.sh: ${outcome.error.message}\n`);
        process.exit(1);
      } else {
        process.stderr.write(`producer failed (a bug): ${(outcome.error as Error)?.stack ?? String(outcome.error)}\n`);
        writeTrace(trace, cli.trace); // the trace of a run that failed is the one worth reading
        process.exit(1);
      }
    }, "producer");
}

/** Writes the loop's trace, if one was recorded; false (said on stderr) if it could not be written. */
function writeTrace(trace: TraceRecording | undefined, path: string | undefined): boolean {
  if (trace === undefined || path === undefined) return true;
  try {
    trace.write(path);
  } catch (error) {
    process.stderr.write(`run_rpc_producer.sh: could not write the trace ${path}: ${(error as Error).message}\n`);
    return false;
  }
  if (trace.stoppedEarly !== undefined) process.stderr.write(`run_rpc_producer.sh: the trace ${path} covers only the start of the run: ${trace.stoppedEarly}\n`);
  return true;
}

/** A front door that cannot be opened (its port is taken, its address is not this machine's). */
class FrontDoorError extends Error {
  override readonly name = "FrontDoorError";
}

const cli = commandLineOrExit(parseCli(process.argv.slice(2)));
// A target whose host does not resolve is bad usage, said at once (as the consumer's --host).
if (cli !== undefined) {
  findUnresolvedHost([...new Set(cli.targets.map((t) => t.host))], (unresolved) => {
    if (unresolved === undefined) return start(cli);
    const target = cli.targets.find((t) => t.host === unresolved.host)!;
    process.stderr.write(`${usageLine(PRODUCER, `target ${target.name}: the host ${unresolved.host} does not resolve (${unresolved.code})`)}\n`);
    process.exitCode = 2;
  });
}
