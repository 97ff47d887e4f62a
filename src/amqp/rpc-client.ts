/**
 * RabbitMQ's RPC client pattern (its tutorial 6) on the loop: requests go to a shared task queue
 * with `reply_to` (this client's exclusive reply queue) and a fresh `correlation_id`; the answer
 * comes back on the reply queue with the same `correlation_id`. Answers are at least once (a
 * producer that dies after answering but before acking answers again after the redelivery): the
 * first answer wins and later ones are counted and dropped.
 */
import { randomUUID } from "node:crypto";
import { action, withTimeout, type Operation } from "../loop/index.js";
import type { AmqpChannel, Delivery } from "./channel.js";
import type { AmqpConnection } from "./connection.js";
import type { AmqpError } from "./errors.js";

/** Options of {@link AmqpRpcClient.open}. */
export interface AmqpRpcClientOptions {
  /** The task queue the producers consume (default `rpc_tasks`, as PROTOCOL §7). */
  readonly queue?: string;
  /** How long a call waits for its answer, publish included, in seconds (default 30). */
  readonly timeout?: number;
}

/** A call waiting for its answer. */
interface Pending {
  answer?: string;
  error?: AmqpError;
  wake?: () => void;
}

export class AmqpRpcClient {
  private readonly pending = new Map<string, Pending>();
  private ignored = 0;
  private failure: AmqpError | undefined;

  private constructor(
    private readonly channel: AmqpChannel,
    /** The task queue requests go to. */
    readonly queue: string,
    /** This client's exclusive reply queue (named by the broker). */
    readonly replyQueue: string,
    private readonly timeout: number,
  ) {
    channel.whenEnded(() => queueMicrotask(() => this.failAll(channel.failure("waiting for an answer"))));
  }

  /**
   * Opens a channel on `connection`, declares the task queue (durable, as the producers do, so
   * that requests sent before any producer started wait for one) and a private reply queue.
   *
   * @example
   * const client = yield* AmqpRpcClient.open(connection);
   * const answer = yield* client.call("fibonacci_generator calculate 30");
   */
  static *open(connection: AmqpConnection, options: AmqpRpcClientOptions = {}): Operation<AmqpRpcClient> {
    const { queue = "rpc_tasks", timeout = 30 } = options;
    if (!(timeout > 0) || !Number.isFinite(timeout)) throw new RangeError(`AmqpRpcClient timeout: seconds must be > 0, got ${String(timeout)}`);
    const channel = yield* connection.createChannel();
    try {
      yield* channel.assertQueue(queue, { durable: true });
      // Exclusive: only this connection reads it, and it is deleted when the connection ends.
      const { queue: replyQueue } = yield* channel.assertQueue("", { exclusive: true, durable: false, autoDelete: true });
      const client = new AmqpRpcClient(channel, queue, replyQueue, timeout);
      // noAck: an answer is consumed once read; a client that dies loses only its own answers.
      yield* channel.consume(replyQueue, (reply) => client.receive(reply), { noAck: true, exclusive: true });
      return client;
    } catch (error) {
      channel.close(); // the error goes on up; the channel must not stay open behind it
      throw error;
    }
  }

  /** Answers that came for no waiting call: duplicates (at-least-once) or late (after a timeout). */
  get ignoredReplies(): number {
    return this.ignored;
  }

  /** Calls in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Sends `command` (one request line, PROTOCOL §1) and returns the answer's text: the result, or
   * `ERROR <code>: <message>`. Throws the loop's `TimeoutError` when no answer came in time, and a
   * `ConnectionLostError` (or another `AmqpError`) when the broker could not be used.
   */
  call(command: string, options: { readonly timeout?: number } = {}): Operation<string> {
    const seconds = options.timeout ?? this.timeout;
    return withTimeout(seconds, this.exchange(command), `the answer to ${JSON.stringify(command)} through RabbitMQ`);
  }

  /** Closes the channel (and so the reply subscription); calls in flight fail. */
  close(): void {
    this.channel.close();
  }

  private *exchange(command: string): Operation<string> {
    if (this.failure) throw this.failure;
    const correlationId = randomUUID();
    const call: Pending = {};
    // Registered before publishing: the answer can come before the publish's confirm does.
    this.pending.set(correlationId, call);
    try {
      yield* this.channel.sendToQueue(this.queue, command, { replyTo: this.replyQueue, correlationId, persistent: true, contentType: "text/plain" });
      return yield* action<string>(`amqp answer ${correlationId}`, (resolve, reject) => {
        const settle = (): void => {
          if (call.error) reject(call.error);
          else if (call.answer !== undefined) resolve(call.answer);
        };
        if (call.answer !== undefined || call.error) settle();
        else call.wake = settle;
        return () => {
          call.wake = undefined;
        };
      });
    } finally {
      this.pending.delete(correlationId);
    }
  }

  private receive(reply: Delivery): void {
    const call = reply.correlationId === undefined ? undefined : this.pending.get(reply.correlationId);
    if (call === undefined || call.answer !== undefined) {
      this.ignored++;
      return;
    }
    call.answer = reply.body.toString("utf8");
    call.wake?.();
  }

  private failAll(error: AmqpError): void {
    this.failure = error;
    for (const call of this.pending.values()) {
      if (call.answer !== undefined || call.error) continue;
      call.error = error;
      call.wake?.();
    }
  }
}
