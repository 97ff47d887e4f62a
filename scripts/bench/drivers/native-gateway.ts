// Gateway "native" of the gateway benchmark (scripts/bench/gateway.ts): the producer's --listen
// written the plain Node way, with async/await on `node:net`, and nothing else. The same design:
// accept line-protocol clients, read one request (to "\n" or the half-close, bounded in size and
// time), put it into one bounded queue (full: answered `ERROR unavailable` at once), one worker per
// consumer takes the next request and makes the call on a fresh connection (connect, write, read
// to the end, bounded by a timeout), the reply goes back to the client unchanged, then close.
// No retries, no logging, no stats: it is the baseline our gateway must match.
//
//   node --import tsx scripts/bench/drivers/native-gateway.ts --listen 127.0.0.1:8000 --targets 127.0.0.1:9000,127.0.0.1:9001
//
// Prints `listening on HOST:PORT` once it accepts; SIGTERM/SIGINT close it.
import net from "node:net";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    listen: { type: "string", default: "127.0.0.1:0" },
    targets: { type: "string" },
    "queue-limit": { type: "string", default: "1000" },
    timeout: { type: "string", default: "5" },
    "read-timeout": { type: "string", default: "2" },
    "max-request-bytes": { type: "string", default: String(64 * 1024) },
  },
});
if (values.targets === undefined) throw new Error("--targets HOST:PORT[,HOST:PORT...] is required");
const split = (address: string): { host: string; port: number } => {
  const colon = address.lastIndexOf(":");
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
};
const targets = values.targets.split(",").map(split);
const queueLimit = Number(values["queue-limit"]);
const callTimeoutMs = Number(values.timeout) * 1000;
const readTimeoutMs = Number(values["read-timeout"]) * 1000;
const maxRequestBytes = Number(values["max-request-bytes"]);

// ---------------------------------------------------------------------------------------------
// The queue: requests waiting for a worker, workers waiting for a request.

interface Job {
  readonly line: string;
  readonly done: (reply: Buffer) => void;
}
const jobs: Job[] = [];
let jobsHead = 0;
const idle: ((job: Job) => void)[] = [];

function put(job: Job): boolean {
  const worker = idle.pop();
  if (worker !== undefined) {
    worker(job);
    return true;
  }
  if (jobs.length - jobsHead >= queueLimit) return false;
  jobs.push(job);
  return true;
}

function take(): Job | Promise<Job> {
  if (jobsHead < jobs.length) {
    const job = jobs[jobsHead++]!;
    // Compact now and then rather than shift() each time (O(n)).
    if (jobsHead > 1024 && jobsHead * 2 > jobs.length) {
      jobs.splice(0, jobsHead);
      jobsHead = 0;
    }
    return job;
  }
  return new Promise((resolve) => idle.push(resolve));
}

// ---------------------------------------------------------------------------------------------
// One call to a consumer, one worker per consumer.

function call(host: string, port: number, line: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port, noDelay: true }, () => socket.write(line));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.from(`ERROR unavailable: no reply from ${host}:${port} within ${callTimeoutMs / 1000} s\n`));
    }, callTimeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(chunks.length === 0 ? Buffer.from(`ERROR unavailable: ${host}:${port} closed without a reply\n`) : Buffer.concat(chunks));
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      resolve(Buffer.from(`ERROR unavailable: ${error.message}\n`));
    });
  });
}

async function worker(host: string, port: number): Promise<never> {
  for (;;) {
    const job = await take();
    job.done(await call(host, port, job.line));
  }
}

// ---------------------------------------------------------------------------------------------
// One client: its request, its answer.

function serve(client: net.Socket): void {
  client.setNoDelay(true);
  const chunks: Buffer[] = [];
  let size = 0;
  let answered = false;
  let requested = false;
  const answer = (reply: Buffer | string): void => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    client.end(reply);
  };
  const timer = setTimeout(() => answer("ERROR timeout: no complete request\n"), readTimeoutMs);
  const request = (text: string): void => {
    requested = true;
    client.removeAllListeners("data");
    clearTimeout(timer);
    if (!put({ line: `${text}\n`, done: answer })) answer(`ERROR unavailable: queue full (${queueLimit} tasks waiting)\n`);
  };
  client.on("data", (chunk: Buffer) => {
    const newline = chunk.indexOf(10);
    if (newline >= 0) {
      chunks.push(chunk.subarray(0, newline));
      request(Buffer.concat(chunks).toString("utf8").replace(/\r$/, ""));
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
    if (size > maxRequestBytes) answer("ERROR too_large: request too long\n");
  });
  client.on("end", () => {
    if (!requested && !answered && size > 0) request(Buffer.concat(chunks).toString("utf8"));
  });
  client.on("error", () => {
    answered = true; // gone: nobody to answer (a queued job still runs; its answer goes nowhere)
    clearTimeout(timer);
  });
}

// allowHalfOpen: a client that half-closes after its request (as `nc` does) still gets its answer.
const server = net.createServer({ noDelay: true, allowHalfOpen: true }, serve);
for (const { host, port } of targets) void worker(host, port);
const listen = split(values.listen);
server.listen({ host: listen.host, port: listen.port, backlog: 511 }, () => {
  const address = server.address() as net.AddressInfo;
  process.stdout.write(`listening on ${address.address}:${address.port}\n`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
