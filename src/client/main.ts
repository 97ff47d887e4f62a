/**
 * The client's entry point (PROTOCOL §8): ./run_rpc_client.sh runs it (bundled into
 * dist/client.js). It runs on the loop like the producer: the request is a coroutine.
 * Exit codes: 0 for a result, 1 for an ERROR answer or a failure, 2 for bad usage.
 */
import { commandLineOrExit, findUnresolvedHost, usageLine } from "../cli/index.js";
import { run } from "../loop/index.js";
import { CLIENT, parseClientCli, type ClientOptions } from "./command-line.js";
import { answerLine, HttpDoor, LineDoor, TransportError, type FrontDoor } from "./front-door.js";

function open(options: ClientOptions): FrontDoor {
  const { destination, timeout, maxReplyBytes } = options;
  return destination.kind === "line" ? new LineDoor(destination.target, timeout, maxReplyBytes) : new HttpDoor(destination.url, timeout, maxReplyBytes);
}

function sendOne(options: ClientOptions): void {
  const door = open(options);
  run(
    function* () {
      try {
        return yield* door.send(options.command);
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
        process.stderr.write(`run_rpc_client.sh failed (a bug): ${(outcome.error as Error)?.stack ?? String(outcome.error)}\n`);
        process.exitCode = 1;
      }
    },
  );
}

const options = commandLineOrExit(parseClientCli(process.argv.slice(2)));
if (options !== undefined) {
  const host = options.destination.kind === "line" ? options.destination.target.host : options.destination.url.hostname;
  findUnresolvedHost([host], (unresolved) => {
    if (unresolved === undefined) return sendOne(options);
    process.stderr.write(`${usageLine(CLIENT, `the host ${unresolved.host} does not resolve (${unresolved.code})`)}\n`);
    process.exitCode = 2;
  });
}
