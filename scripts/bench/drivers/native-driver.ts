// Driver "native" of the RPC benchmark: the same work as loop-driver.ts written the plain Node way,
// with async/await and `node:net` — connect, write command + "\n", read to the end of stream, the
// whole call bounded by a timeout — and nothing else. It is the baseline our loop must match.
//
//   node --import tsx scripts/bench/drivers/native-driver.ts --targets 127.0.0.1:9000 --command "system ping" --inflight 1 --seconds 2
//
// Arguments and output: see common.ts.
import net from "node:net";
import { closedLoop, parseDriverArgs, report } from "./common.js";

const args = parseDriverArgs(process.argv.slice(2));
const line = `${args.command}\n`;
const timeoutMs = args.timeout * 1000;

/** One call on a fresh connection; resolves with the reply without its final "\n". */
function call(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port, noDelay: true }, () => socket.write(line));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply from ${host}:${port} within ${args.timeout} s`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.length === 0) reject(new Error(`${host}:${port} closed the connection without a reply`));
      else if (text.startsWith("ERROR ")) reject(new Error(text.trimEnd()));
      else resolve(text.endsWith("\n") ? text.slice(0, -1) : text);
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

if (args.warmup > 0) await closedLoop(args, args.warmup, call);
const { stats, elapsedMs } = await closedLoop(args, args.seconds, call);
process.stdout.write(`${report("native", stats, elapsedMs)}\n`);
