/**
 * The producer's entry point: parse the command line, start the run on the loop, map signals
 * to a graceful then a forced stop, print the summary, exit 0 / 1 / 2 (PROTOCOL §4).
 */
import { run } from "../loop/index.js";
import type { Summary } from "./events.js";
import { createLogger } from "./log.js";
import { describeOptions, parseCli, USAGE, UsageError, type ParsedCli } from "./options.js";
import { Producer } from "./producer.js";

function parseOrExit(argv: readonly string[]): ParsedCli {
  try {
    return parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`run_rpc_producer.sh: ${error.message} (see --help)\n`);
    process.exit(2);
  }
}

const cli = parseOrExit(process.argv.slice(2));
if (cli.help) {
  process.stdout.write(USAGE);
} else {
  // A reader that goes away (`| head`) ends the run quietly rather than with a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(1);
  });
  const log = createLogger(cli.logFormat);
  log.log({ event: "started", targets: cli.targets.map((target) => target.name), options: describeOptions(cli) });
  const producer = new Producer(cli, log);

  const finish = (summary: Summary): never => {
    log.log({ event: "summary", ...summary });
    process.exit(summary.failed === 0 && summary.lost === 0 ? 0 : 1);
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
