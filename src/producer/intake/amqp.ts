/**
 * `--amqp URL`: tasks from a shared, durable RabbitMQ queue (PROTOCOL §7), so several producers,
 * each in front of its own consumers, serve one queue. A message is a task: its body one request
 * line, its `reply_to` and `correlation_id` where the answer goes (RabbitMQ's RPC pattern).
 *
 * At-least-once, never "maybe": a message is acked once, at its task's final state, only after the
 * answer's publisher confirm. A producer that dies holding messages leaves them to the broker,
 * which delivers them to the others. A body that is not a request gets its `ERROR` answer and is
 * acked (never requeued forever).
 *
 * The session — connect, consume, answer, reconnect — runs in the producer's own scope (Inbox.serve),
 * not the intake's: at shutdown the intake is halted, and that only tells the session to stop
 * taking messages; it then returns the messages whose tasks were never sent (nack, requeue),
 * answers and acks the calls in flight, and closes.
 */
import {
  AmqpError,
  backoff,
  connectAmqp,
  parseAmqpUrl,
  type AmqpChannel,
  type AmqpConnection,
  type Delivery,
  type Subscription,
} from "../../amqp/index.js";
import { Queue, spawn, timebox, type Operation, type Task } from "../../loop/index.js";
import { decodeRequestBytes, formatErrorReply, parseRequest, RpcError, type RequestLimits } from "../../rpc/index.js";
import type { Emit } from "../dispatch/events.js";
import type { Inbox, Intake } from "../dispatch/intake.js";
import { requestFor, type RpcTask, type TaskOutcome } from "../dispatch/rpc-task.js";
import { answerFor } from "./answer.js";

export interface AmqpIntakeOptions {
  readonly url: string;
  /** The durable task queue (`--amqp-queue`, default `rpc_tasks`). */
  readonly queue: string;
  /** Unacked messages this producer may hold (`--prefetch`). */
  readonly prefetch: number;
  readonly limits: RequestLimits;
  readonly queueTimeout: number;
}

type Stop = { readonly stop: true };

/** One connection's tasks whose outcome is not known yet, and whether that connection has ended. */
interface Unsent {
  ended: boolean;
  readonly tasks: Set<RpcTask>;
}

export class AmqpIntake implements Intake {
  readonly name: string;
  private readonly display: string;
  /** Told once, when the intake is halted (shutdown): the session stops taking messages. */
  private readonly stopping = new Queue<Stop>(Infinity, "amqp stop");
  private stopped = false;

  constructor(
    private readonly options: AmqpIntakeOptions,
    private readonly emit: Emit,
  ) {
    this.display = parseAmqpUrl(options.url).display;
    this.name = `amqp ${this.display}`;
  }

  *run(inbox: Inbox): Operation<void> {
    const done = new Queue<void>(1, "amqp session done");
    inbox.serve(() => this.session(inbox, done), `amqp session ${this.display}`);
    try {
      yield* done.get(); // the session ends only after a stop
    } finally {
      this.stopped = true;
      this.stopping.offer({ stop: true });
    }
  }

  /** Connects, serves, and reconnects with capped back-off until told to stop. */
  private *session(inbox: Inbox, done: Queue<void>): Operation<void> {
    const delays = backoff({ initial: 0.2, max: 5 });
    let down = false;
    try {
      while (!this.stopped) {
        let connection: AmqpConnection | undefined;
        try {
          connection = yield* connectAmqp(this.options.url, { name: "rpc producer" });
          this.emit({ event: "broker_up", url: this.display });
          down = false;
          yield* this.serve(connection, inbox);
          // Stopped: close with the broker's handshake, so the last acks reach it before we exit.
          yield* connection.closeAndWait();
        } catch (error) {
          if (!(error instanceof AmqpError)) throw error;
          if (!down) this.emit({ event: "broker_down", reason: error.message });
          down = true;
        } finally {
          connection?.close();
        }
        if (!this.stopped && down) yield* this.sleepUnlessStopped(delays.next().value);
      }
    } finally {
      done.offer(undefined);
    }
  }

  /** Waits `seconds`, or less if told to stop meanwhile. */
  private *sleepUnlessStopped(seconds: number): Operation<void> {
    const woken = yield* timebox(seconds, this.stopping.get());
    if (!woken.timedOut) this.stopping.offer(woken.value); // the stop stays said, for the next waiter
  }

  /** One connection's life: consume until stopped or lost; returns once every delivery taken is settled. */
  private *serve(connection: AmqpConnection, inbox: Inbox): Operation<void> {
    const channel = yield* connection.createChannel();
    yield* channel.assertQueue(this.options.queue, { durable: true });
    yield* channel.prefetch(this.options.prefetch);
    const subscription = yield* channel.subscribe(this.options.queue);
    const unsent: Unsent = { ended: false, tasks: new Set() };
    // One watcher for the connection, not one per message: the broker gone, every task not sent
    // yet is withdrawn (the broker delivers its message again). It ends with the connection,
    // which always ends (lost, or closed by the session), so nothing needs to halt it.
    yield* spawn(function* () {
      yield* connection.ended();
      unsent.ended = true;
      for (const task of unsent.tasks) inbox.cancel(task);
      unsent.tasks.clear();
    });
    const handlers: Task<void>[] = [];
    const watcher = yield* spawn(() => this.cancelOnStop(subscription));
    try {
      for (;;) {
        const delivery = yield* subscription.next(); // throws when the connection is lost
        if (delivery === undefined) break; // cancelled at shutdown, every delivery taken
        handlers.push(yield* spawn(() => this.handle(delivery, channel, unsent, inbox)));
      }
    } finally {
      watcher.halt();
    }
    for (const handler of handlers) yield* handler;
    // One round trip on this channel before closing: the broker answers it only after it has
    // processed the acks sent before it. Closing at once could drop the last acks (their messages
    // would be delivered again).
    yield* channel.checkQueue(this.options.queue);
  }

  private *cancelOnStop(subscription: Subscription): Operation<void> {
    yield* this.stopping.get();
    this.stopping.offer({ stop: true }); // for anyone else waiting on it
    yield* subscription.cancel();
  }

  /** One message: its task, its answer (with a confirm), then its ack — or back to the queue. */
  private *handle(delivery: Delivery, channel: AmqpChannel, unsent: Unsent, inbox: Inbox): Operation<void> {
    let line: string;
    let request;
    try {
      line = this.requestLine(delivery.body);
      request = parseRequest(line);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      yield* this.answer(delivery, channel, formatErrorReply(error).slice(0, -1)); // poison: answered, acked
      return;
    }
    const outcomes = new Queue<TaskOutcome>(1, "answer");
    const task = yield* inbox.put(requestFor(request), {
      source: "amqp",
      client: delivery.replyTo ?? "(no reply_to)",
      ...(delivery.redelivered ? { redelivered: true } : {}),
      answer: (outcome) => outcomes.offer(outcome),
    });
    // Until its outcome is known, the connection's watcher (serve) withdraws it if the broker goes.
    if (unsent.ended) inbox.cancel(task);
    else unsent.tasks.add(task);
    let outcome: TaskOutcome;
    try {
      outcome = yield* outcomes.get();
    } finally {
      unsent.tasks.delete(task);
    }
    if (!outcome.ok && (outcome.reason === "cancelled" || (outcome.reason === "shutdown" && outcome.attempts === 0))) {
      // Never sent: back to the queue for another producer (nothing to do if the channel is gone).
      if (channel.isOpen) channel.nack(delivery, { requeue: true });
      return;
    }
    const answer = answerFor(outcome, this.options.queueTimeout);
    if (answer !== undefined) yield* this.answer(delivery, channel, answer.line);
  }

  /** Publishes the answer to `reply_to` and waits for its confirm, then acks; dropped if the broker is gone. */
  private *answer(delivery: Delivery, channel: AmqpChannel, line: string): Operation<void> {
    try {
      if (delivery.replyTo !== undefined) {
        const properties = delivery.correlationId === undefined ? {} : { correlationId: delivery.correlationId };
        yield* channel.publish("", delivery.replyTo, line, properties);
      }
      channel.ack(delivery);
    } catch (error) {
      // The broker went away: the message was never acked, so it is delivered again.
      if (!(error instanceof AmqpError)) throw error;
    }
  }

  /** A message body as a request line: one final newline allowed, then the §1 rules. */
  private requestLine(body: Buffer): string {
    const { maxRequestBytes } = this.options.limits;
    let end = body.length;
    if (end > 0 && body[end - 1] === 0x0a) end--;
    if (end > 0 && body[end - 1] === 0x0d) end--;
    if (end > maxRequestBytes) {
      throw new RpcError("too_large", `request is longer than ${maxRequestBytes} bytes (the limit, set with --max-request-bytes)`);
    }
    return decodeRequestBytes(body.subarray(0, end));
  }
}
