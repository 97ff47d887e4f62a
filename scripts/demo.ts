// The demo: two consumers on free ports and a producer for about 15 seconds, in one terminal.
// It stops everything it started when the producer ends, and on Ctrl-C.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const reports = join(root, "reports");
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a consumer whose log goes to a file; resolves once it is listening. */
function startConsumer(port: number): Promise<ChildProcess> {
  const logFile = join(reports, `demo-consumer-${port}.log`);
  const child = spawn(join(root, "run_rpc_consumer.sh"), [String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const log = createWriteStream(logFile);
  child.stderr!.pipe(log);
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`consumer on ${port} did not start within 10 s; see ${logFile}`)), 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      log.write(chunk);
      seen += chunk.toString();
      if (seen.includes("listening on")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => reject(new Error(`consumer on ${port} exited with ${code}; see ${logFile}`)));
  });
}

function stopAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
}

async function main(): Promise<number> {
  mkdirSync(reports, { recursive: true });
  const ports = [await freePort(), await freePort()];
  console.log(`demo: starting two consumers on 127.0.0.1:${ports[0]} and 127.0.0.1:${ports[1]} (logs in reports/)`);
  await Promise.all(ports.map(startConsumer));
  const args = ["--duration", "15", "--interval", "0.05", "--fib-max", "20000", "--stats-every", "2", ...ports.map(String)];
  console.log(`demo: ./run_rpc_producer.sh ${args.join(" ")}\n`);
  const producer = spawn(join(root, "run_rpc_producer.sh"), args, { stdio: ["ignore", "inherit", "inherit"] });
  children.push(producer);
  const code = await new Promise<number>((resolve) => producer.once("exit", (c) => resolve(c ?? 1)));
  stopAll();
  console.log(`\ndemo: done (producer exit code ${code}); consumer logs: ${ports.map((p) => `reports/demo-consumer-${p}.log`).join(", ")}`);
  return code;
}

// Ctrl-C reaches every process of the terminal's group; the producer drains and prints its summary.
process.on("SIGINT", () => setTimeout(stopAll, 3_000).unref());
process.on("SIGTERM", stopAll);
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${(error as Error).message}`);
    stopAll();
    process.exit(1);
  },
);
