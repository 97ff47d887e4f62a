// Driver "amqp" of the broker benchmark (scripts/bench/broker.ts): a closed-loop RPC client of
// RabbitMQ, written as RabbitMQ's RPC tutorial has it with plain amqplib (not our client): each
// in-flight slot publishes a persistent request to the task queue with `reply_to` (one exclusive
// reply queue) and a fresh `correlation_id`, waits for the answer, and publishes the next. The
// producers behind the queue serve them; what this measures is how many answers come back.
//
//   node --import tsx scripts/bench/drivers/amqp-driver.ts --amqp amqp://guest:guest@127.0.0.1:5672 --queue rpc_tasks \
//        --command "system sleep 20" --inflight 32 --seconds 5 --warmup 1
//
// Arguments and output: see common.ts (`--inflight` is the number of calls in flight in all).
import { randomUUID } from "node:crypto";
import amqp from "amqplib";
import { closedLoop, parseDriverArgs, report } from "./common.js";

const args = parseDriverArgs(process.argv.slice(2));
if (args.amqp === undefined) throw new Error("--amqp URL is required");
const body = Buffer.from(args.command);
const timeoutMs = args.timeout * 1000;

// noDelay: small requests go out at once (Nagle would hold one back until the last is acked), as our client does.
const connection = await amqp.connect(args.amqp, { noDelay: true });
const channel = await connection.createChannel();
await channel.assertQueue(args.queue, { durable: true });
const { queue: replyTo } = await channel.assertQueue("", { exclusive: true });

interface Waiting {
  resolve(answer: string): void;
  reject(error: Error): void;
}
const waiting = new Map<string, Waiting>();
await channel.consume(
  replyTo,
  (message) => {
    if (message === null) return;
    const id = String(message.properties.correlationId);
    const call = waiting.get(id);
    if (call === undefined) return; // a second answer (at least once) or a late one
    waiting.delete(id);
    const text = message.content.toString("utf8");
    if (text.startsWith("ERROR ")) call.reject(new Error(text.trimEnd()));
    else call.resolve(text);
  },
  { noAck: true },
);

/** One request through the broker; resolves with the answer. */
function call(): Promise<string> {
  return new Promise((resolve, reject) => {
    const correlationId = randomUUID();
    const timer = setTimeout(() => {
      waiting.delete(correlationId);
      reject(new Error(`no answer through ${args.queue} within ${args.timeout} s`));
    }, timeoutMs);
    waiting.set(correlationId, {
      resolve: (answer) => {
        clearTimeout(timer);
        resolve(answer);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    channel.sendToQueue(args.queue, body, { correlationId, replyTo, persistent: true, contentType: "text/plain" });
  });
}

if (args.warmup > 0) await closedLoop(args, args.warmup, call);
const { stats, elapsedMs } = await closedLoop(args, args.seconds, call);
await connection.close();
process.stdout.write(`${report("amqp", stats, elapsedMs)}\n`);
