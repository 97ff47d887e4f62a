// The producer's memory when every consumer answers without end (issue 11 item 6): 32 fake
// consumers, each sending an endless reply, against the real producer (run_rpc_producer.sh) with
// `--max-reply-bytes 4000000`. A call stops reading at the limit and fails with `too_large`, so
// the producer's peak RSS (VmHWM) stays bounded by about the limit × targets. Goal: < 300 MB.
//
//   node --import tsx scripts/bench/reply-limit.ts [--targets 32] [--limit 4000000] [--seconds 10] [--json]
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { parseArgs } from "node:util";
import { scriptCommand, startProcess } from "../lib/processes.js";

const { values: opts } = parseArgs({
  options: {
    targets: { type: "string", default: "32" },
    limit: { type: "string", default: "4000000" },
    seconds: { type: "string", default: "10" },
    json: { type: "boolean", default: false },
  },
});
const targets = Number(opts.targets);
const limit = Number(opts.limit);
const seconds = Number(opts.seconds);
const GOAL_MB = 300;

/** A consumer that answers every request with 64 KiB chunks for as long as the client reads. */
async function endlessConsumer(sockets: Set<Socket>): Promise<{ server: Server; port: number }> {
  const chunk = Buffer.alloc(64 * 1024, "7");
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {}); // the producer resets the call at its limit: expected
    socket.once("data", () => {
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk));
      };
      socket.on("drain", pump);
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function vmHwmKb(pid: number): number | undefined {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : undefined;
}

const sockets = new Set<Socket>();
const consumers = await Promise.all(Array.from({ length: targets }, () => endlessConsumer(sockets)));
const producer = startProcess(
  ...scriptCommand("producer", [
    "--duration", String(seconds), "--interval", "0.001", "--max-reply-bytes", String(limit), "--log-format", "json", "--stats-every", "0",
    ...consumers.map((c) => String(c.port)),
  ]),
  { output: "tail" },
);
let peakKb = 0;
const sampler = setInterval(() => {
  try {
    peakKb = Math.max(peakKb, vmHwmKb(producer.child.pid!) ?? 0);
  } catch {
    // The process is gone (it read its last status above): the peak is what was seen.
  }
}, 100);
const { code: exitCode } = await producer.exited((seconds + 60) * 1000);
clearInterval(sampler);
const last = [...producer.stdoutLines].reverse().find((line) => line.includes('"event":"summary"')) ?? "";
for (const socket of sockets) socket.destroy();
await Promise.all(consumers.map((c) => new Promise((resolve) => c.server.close(resolve))));

const summary = last === "" ? undefined : (JSON.parse(last) as { produced: number; failed: number; lost: number; failures: Record<string, number> });
const peakMb = Math.round(peakKb / 102.4) / 10;
const result = { targets, limit, seconds, exitCode, peakRssMb: peakMb, goalMb: GOAL_MB, met: peakMb < GOAL_MB, summary };
if (opts.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(
    `producer peak RSS with ${targets} endless replies, --max-reply-bytes ${limit}: ${peakMb} MB (goal < ${GOAL_MB} MB: ${result.met ? "met" : "MISSED"}); ` +
      `exit ${String(exitCode)}; produced ${summary?.produced ?? "?"}, failed ${summary?.failed ?? "?"} (${JSON.stringify(summary?.failures ?? {})}), lost ${summary?.lost ?? "?"}\n`,
  );
}
