/**
 * The producer's entry point: parse the command line, start the run on the loop, map signals
 * to a graceful then a forced stop, print the summary (and write the HTML report), exit 0 / 1 / 2
 * (PROTOCOL §4).
 */
import { run } from "../loop/index.js";
import type { Summary } from "./dispatch/events.js";
import { createLogger } from "./telemetry/log.js";
import { commandLineOrExit, findUnresolvedHost, usageLine } from "../cli/index.js";
import { describeOptions, parseCli, PRODUCER, type Cli } from "./options.js";
import { Producer } from "./dispatch/producer.js";
import { gapFunction } from "./intake/profiles.js";
import { writeReport } from "./report/report.js";
import { ReportRecorder } from "./report/report-data.js";

function start(cli: Cli): void {
  // A reader that goes away (`| head`) ends the run quietly rather than with a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(1);
  });
  const targets = cli.targets.map((target) => target.name);
  const options = describeOptions(cli);
  const output = createLogger(cli.logFormat, undefined, { quiet: cli.quiet });
  // With --report, every event goes through the recorder on its way to the log.
  const recorder = cli.report === undefined ? undefined : new ReportRecorder(output, { targets, options, profile: cli.profile, interval: cli.interval });
  const log = recorder ?? output;
  log.log({ event: "started", targets, options });
  const producer = new Producer({ ...cli, gap: gapFunction(cli.profile, cli.interval, cli.seed), queueObserver: recorder }, log);

  // Every way out that prints a summary comes through here: the run's end, and a second signal.
  const finish = (summary: Summary): never => {
    log.log({ event: "summary", ...summary });
    let code = summary.failed === 0 && summary.lost === 0 ? 0 : 1;
    if (recorder !== undefined && cli.report !== undefined) {
      try {
        writeReport(cli.report, recorder.data(summary, producer.queueDepth, producer.inFlight));
        log.log({ event: "report", path: cli.report });
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

  run(
    () => producer.run(),
    (outcome) => {
      if (outcome.ok) {
        finish(outcome.value);
      } else {
        process.stderr.write(`producer failed (a bug): ${(outcome.error as Error)?.stack ?? String(outcome.error)}\n`);
        process.exit(1);
      }
    },
  );
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
