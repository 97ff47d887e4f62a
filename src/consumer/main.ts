// The consumer's entry point: ./run_rpc_consumer.sh PORT [options] runs it (bundled into
// dist/consumer.js). Exit codes: 0 after --help or a signal, 1 when it cannot listen (port in
// use), 2 for bad usage.

import { commandLineOrExit } from "../cli/index.js";
import { DEFAULT_REQUEST_LIMITS } from "../rpc/index.js";
import { parseCli, type ConsumerOptions } from "./cli.js";
import { hostPort, createLog } from "./log.js";
import { Registry, standardHandlers } from "./registry.js";
import { BlockingServer } from "./server.js";

// Errors that mean --host names no address this machine can listen on: bad usage, not bad luck.
const BAD_HOST_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EADDRNOTAVAIL", "EINVAL"]);

function start(options: ConsumerOptions): void {
  const log = createLog(options.logFormat);
  const server = new BlockingServer({
    registry: new Registry(standardHandlers({ maxFib: options.maxFib, maxSleepMs: options.maxSleepMs })),
    log,
    limits: {
      ...DEFAULT_REQUEST_LIMITS,
      maxRequestBytes: options.maxRequestBytes,
      readTimeoutSeconds: options.readTimeoutSeconds,
    },
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.shuttingDown(signal, "second signal: exiting now, without waiting for the request in hand");
      process.exit(0);
    }
    stopping = true;
    const inHand = server.close(() => {
      log.closed();
      process.exit(0);
    });
    log.shuttingDown(signal, inHand ? "finishing the request in hand, then closing" : "closing");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const where = hostPort(options.host, options.port);
  server.listen(
    options.host,
    options.port,
    () => {},
    (error) => {
      const code = error.code ?? "";
      if (code === "EADDRINUSE") {
        process.stderr.write(`error: cannot listen on ${where}: the port is already in use (EADDRINUSE); choose another PORT or stop what holds it\n`);
        process.exit(1);
      }
      const message = `error: cannot listen on ${where}: ${error.message}`;
      process.stderr.write(`${message}${BAD_HOST_CODES.has(code) ? "; check --host" : ""}\n`);
      process.exit(BAD_HOST_CODES.has(code) ? 2 : 1);
    },
  );
}

const options = commandLineOrExit(parseCli(process.argv.slice(2)));
if (options !== undefined) start(options);
