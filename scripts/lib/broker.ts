// A private RabbitMQ from scripts/broker.sh, for the tests, the demo and the benchmarks: started
// (bounded), restarted, stopped. When none can be had here (broker.sh exits 3: not installed and
// not installable, or RPC_NO_BROKER is set), starting throws a BrokerUnavailableError whose
// message is broker.sh's reason, so a caller can say "skipped: <reason>".
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { repoRoot, startProcess } from "./processes.js";

const brokerScript = join(repoRoot, "scripts", "broker.sh");

/** broker.sh's exit code for "no broker can be had here". */
const UNAVAILABLE = 3;

/** No broker can be had on this machine; the message says why (broker.sh's own words). */
export class BrokerUnavailableError extends Error {
  override readonly name = "BrokerUnavailableError";
}

/** A private broker of scripts/broker.sh. */
export interface PrivateBroker {
  readonly url: string;
  /** Its state directory (`scripts/broker.sh stop DIR`). */
  readonly dir: string;
  /** Stops it and starts it again on the same port with the same data (scripts/broker.sh restart). */
  restart(): Promise<void>;
  /** Stops it (idempotent); resolves when scripts/broker.sh stop has finished. */
  stop(): Promise<void>;
}

/** Runs broker.sh to its end (not tracked by processes.ts: a stop must not be cut short by a Ctrl-C cleanup). */
function runBrokerScript(args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(brokerScript, args, { timeout: timeoutMs, killSignal: "SIGTERM" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`scripts/broker.sh ${args.join(" ")} failed: ${error.message}\n${stderr}`, { cause: error }));
      else resolve({ stdout, stderr });
    });
  });
}

function handle(url: string, dir: string, timeoutMs: number): PrivateBroker {
  let stopped: Promise<void> | undefined;
  return {
    url,
    dir,
    restart: () => runBrokerScript(["restart", dir], timeoutMs).then(() => undefined),
    stop: () => (stopped ??= runBrokerScript(["stop", dir], 60_000).then(() => undefined)),
  };
}

/**
 * Starts a private broker (bounded: `timeoutMs`, default 90 s). The start runs as a process that
 * scripts/lib/processes.ts tracks, so `terminateAll()` / `stopAll()` during it (a Ctrl-C) stop it
 * too: broker.sh then removes what it half-started. broker.sh's own lines go to `onLine`.
 */
export async function startPrivateBroker(timeoutMs = 90_000, onLine?: (line: string) => void): Promise<PrivateBroker> {
  const work = mkdtempSync(join(os.tmpdir(), "rpc-broker-start."));
  const stateFile = join(work, "dir");
  try {
    const start = startProcess(brokerScript, ["start"], { env: { RPC_BROKER_STATE_FILE: stateFile } });
    let shown = 0;
    const show = setInterval(() => {
      while (onLine && shown < start.stderrLines.length) onLine(start.stderrLines[shown++]!);
    }, 100);
    let exit;
    try {
      exit = await start.exited(timeoutMs + 15_000);
    } catch (error) {
      await start.stop("SIGTERM", 20_000); // its trap stops the broker it was starting
      throw new Error(`scripts/broker.sh start did not finish within ${timeoutMs / 1000} s`, { cause: error });
    } finally {
      clearInterval(show);
      while (onLine && shown < start.stderrLines.length) onLine(start.stderrLines[shown++]!);
    }
    const said = start.stderr().trim().split("\n").slice(-5).join(" | ");
    if (exit.code === UNAVAILABLE) throw new BrokerUnavailableError(said.replace(/^broker: unavailable: /, ""));
    if (exit.code !== 0) {
      // Killed half-way (a signal): if it got as far as a state directory, make sure nothing runs.
      let dir = "";
      try {
        dir = readFileSync(stateFile, "utf8").trim();
      } catch {
        // it never had one
      }
      if (dir !== "") await runBrokerScript(["stop", dir], 60_000).catch(() => undefined);
      throw new Error(`scripts/broker.sh start failed (exit ${exit.code ?? exit.signal}): ${said}`);
    }
    const value = (key: string): string => {
      const match = new RegExp(`^${key}=(.*)$`, "m").exec(start.stdout());
      if (!match) throw new Error(`scripts/broker.sh start printed no ${key}:\n${start.stdout()}`);
      return match[1]!.replace(/^'(.*)'$/, "$1");
    };
    return handle(value("RPC_BROKER_URL"), value("RPC_BROKER_DIR"), timeoutMs);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
