// Load generator "http" of the gateway benchmark (scripts/bench/gateway.ts): a closed loop over
// HTTP/1.1 keep-alive. Each in-flight slot sends `POST /rpc` with the command as its body, waits for
// the whole answer, sends the next; the slots share one keep-alive agent with a socket each, so
// after the warm-up no call opens a connection. A status other than 200 counts as a failed call.
//
//   node --import tsx scripts/bench/drivers/http-driver.ts --targets 127.0.0.1:8080 --command "system ping" --inflight 64 --seconds 2
//
// Arguments and output: see common.ts (`--targets` is the producer's --http address).
import http from "node:http";
import { closedLoop, parseDriverArgs, report } from "./common.js";

const args = parseDriverArgs(process.argv.slice(2));
const body = Buffer.from(args.command, "utf8");
const agent = new http.Agent({ keepAlive: true, maxSockets: args.inflight * args.targets.length });

function post(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host, port, method: "POST", path: "/rpc", agent, timeout: args.timeout * 1000, headers: { "content-type": "text/plain", "content-length": body.length } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode === 200) resolve(text);
          else reject(new Error(`HTTP ${response.statusCode}: ${text.trimEnd()}`));
        });
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${args.timeout} s`)));
    request.on("error", reject);
    request.end(body);
  });
}

if (args.warmup > 0) await closedLoop(args, args.warmup, post);
const { stats, elapsedMs } = await closedLoop(args, args.seconds, post);
agent.destroy();
process.stdout.write(`${report("http", stats, elapsedMs)}\n`);
