/**
 * A confirm-mode channel on the loop: queues, prefetch, subscriptions, publish with a publisher
 * confirm, ack and nack. Operations throw typed errors (errors.ts): `ConnectionLostError` once the
 * connection is gone, `ChannelClosedError` when the broker closed this channel for what was asked.
 */
import type { ConfirmChannel, ConsumeMessage, MessageProperties, Options } from "amqplib/callback_api";
import { action, Queue, type Operation } from "../loop/index.js";
import type { AmqpConnection } from "./connection.js";
import { AmqpClosedError, AmqpError, asAmqplibError, channelClosedError, PublishNackedError, SubscriptionCancelledError, type AmqplibError } from "./errors.js";

/** A message delivered to a subscription. Ack or nack it on the channel it came from. */
export interface Delivery {
  readonly body: Buffer;
  /** True when the broker delivered it before and it was not acked (a consumer died holding it). */
  readonly redelivered: boolean;
  readonly correlationId: string | undefined;
  readonly replyTo: string | undefined;
  readonly exchange: string;
  readonly routingKey: string;
  readonly deliveryTag: number;
  readonly properties: MessageProperties;
  /** @internal amqplib's message, for ack and nack */
  readonly message: ConsumeMessage;
  /** @internal the channel it must be acked on */
  readonly channel: AmqpChannel;
}

/** What `assertQueue`, `checkQueue` return. */
export interface QueueInfo {
  /** The queue's name (the broker's choice when declared with the name ""). */
  readonly queue: string;
  readonly messageCount: number;
  readonly consumerCount: number;
}

/** Options of {@link AmqpChannel.consume} and {@link AmqpChannel.subscribe}. */
export interface ConsumeOptions {
  /** The broker forgets a message once sent (no ack, no redelivery). Default false: manual ack. */
  readonly noAck?: boolean;
  /** No other consumer may subscribe to the queue. */
  readonly exclusive?: boolean;
}

type Resolve<T> = (value: T) => void;
type Reject = (error: unknown) => void;

export class AmqpChannel {
  private state: "open" | "closing" | "ended" = "open";
  /** The error amqplib reported when the broker closed this channel (with its reply code). */
  private brokerClose: AmqplibError | undefined;
  private readonly onEnd = new Set<() => void>();

  /** @internal made by `AmqpConnection.createChannel` */
  constructor(
    private readonly raw: ConfirmChannel,
    readonly connection: AmqpConnection,
  ) {
    // Permanent listeners from the start: amqplib emits 'error' when the broker closes the channel
    // (and an emitter without an 'error' listener throws), then always 'close'.
    raw.on("error", (error: Error) => {
      this.brokerClose ??= error;
    });
    raw.on("close", () => {
      this.state = "ended";
      for (const listener of [...this.onEnd]) listener();
      this.onEnd.clear();
    });
  }

  /** True until the channel is closed (by us, by the broker, or with its connection). */
  get isOpen(): boolean {
    return this.state === "open" && this.connection.isOpen;
  }

  /**
   * Declares a queue (durable unless told otherwise) and returns its name and counts. The name ""
   * asks the broker to choose one, for an exclusive reply queue.
   *
   * @example
   * yield* channel.assertQueue("rpc_tasks");                        // durable, shared
   * const { queue } = yield* channel.assertQueue("", { exclusive: true }); // a private reply queue
   */
  assertQueue(name: string, options: Options.AssertQueue = {}): Operation<QueueInfo> {
    return this.call<QueueInfo>(`declaring queue ${JSON.stringify(name)}`, (done) => this.raw.assertQueue(name, { durable: true, ...options }, done));
  }

  /** Returns the queue's counts; a `ChannelClosedError` (404) if it does not exist, which also ends this channel. */
  checkQueue(name: string): Operation<QueueInfo> {
    return this.call<QueueInfo>(`checking queue ${JSON.stringify(name)}`, (done) => this.raw.checkQueue(name, done));
  }

  /** Deletes a queue and returns how many messages it held. */
  *deleteQueue(name: string): Operation<number> {
    const reply = yield* this.call<{ messageCount: number }>(`deleting queue ${JSON.stringify(name)}`, (done) => this.raw.deleteQueue(name, {}, done));
    return reply.messageCount;
  }

  /**
   * Bounds the unacked messages the broker sends to each new consumer on this channel (0: no bound).
   * Call it before `consume`/`subscribe`.
   */
  *prefetch(count: number): Operation<void> {
    if (!Number.isInteger(count) || count < 0 || count > 65535) throw new RangeError(`prefetch must be an integer from 0 to 65535, got ${String(count)}`);
    yield* this.call<unknown>(`setting prefetch ${count}`, (done) => this.raw.prefetch(count, false, done));
  }

  /**
   * Subscribes to `queue`; every message is handed to `onDelivery` as it arrives, on amqplib's
   * callback (so it must only record or enqueue, not wait). Returns the consumer tag. `onCancelled`
   * is told when the broker ends the subscription by itself (the queue was deleted).
   * Most callers want `subscribe`, which hands deliveries to a task instead.
   */
  consume(queue: string, onDelivery: (delivery: Delivery) => void, options: ConsumeOptions = {}, onCancelled?: () => void): Operation<string> {
    const handler = (message: ConsumeMessage | null): void => {
      if (message === null) onCancelled?.();
      else onDelivery(this.delivery(message));
    };
    return this.call<string>(
      `subscribing to queue ${JSON.stringify(queue)}`,
      (done) => this.raw.consume(queue, handler, { noAck: options.noAck ?? false, exclusive: options.exclusive ?? false }, (error, ok) => done(error, ok?.consumerTag)),
    );
  }

  /**
   * Subscribes to `queue` and returns a `Subscription`, whose `next()` waits for the next message.
   *
   * @example
   * const tasks = yield* channel.subscribe("rpc_tasks");
   * for (let delivery = yield* tasks.next(); delivery; delivery = yield* tasks.next()) {
   *   if (delivery.replyTo) yield* channel.publish("", delivery.replyTo, answer, { correlationId: delivery.correlationId });
   *   channel.ack(delivery); // after the answer's confirm, never before
   * }
   */
  *subscribe(queue: string, options: ConsumeOptions = {}): Operation<Subscription> {
    const subscription = new Subscription(this, queue);
    let subscribed = false;
    try {
      const tag = yield* this.consume(queue, (delivery) => subscription.deliver(delivery), options, () => subscription.cancelledByBroker());
      subscription.started(tag);
      subscribed = true;
      return subscription;
    } finally {
      if (!subscribed) subscription.abandon(); // the error (or the halt) goes on up
    }
  }

  /** Ends a subscription started with `consume`; messages it holds unacked stay unacked. */
  *cancel(consumerTag: string): Operation<void> {
    yield* this.call<unknown>(`cancelling subscription ${consumerTag}`, (done) => this.raw.cancel(consumerTag, done));
  }

  /**
   * Publishes a message and waits for the broker's confirm: once this returns, the broker has
   * taken responsibility for it (routed it, to disk for a persistent message on a durable queue).
   * Throws `PublishNackedError` if the broker refused it. A message with no queue to go to is
   * confirmed too (and dropped), as AMQP says.
   *
   * @example
   * yield* channel.publish("", "rpc_tasks", "system ping", { replyTo, correlationId, persistent: true });
   */
  publish(exchange: string, routingKey: string, body: Buffer | string, properties: Options.Publish = {}): Operation<void> {
    const content = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    const what = `publishing to ${exchange === "" ? `queue ${JSON.stringify(routingKey)}` : `exchange ${JSON.stringify(exchange)}`}`;
    // The confirm is the flow control: one waits per message, so a `false` from amqplib (its
    // buffer is full) needs no 'drain' wait of its own.
    return this.call<void>(what, (done) => void this.raw.publish(exchange, routingKey, content, properties, (error) => done(error, undefined)));
  }

  /** `publish` to the default exchange: straight to the queue named `queue`. */
  sendToQueue(queue: string, body: Buffer | string, properties: Options.Publish = {}): Operation<void> {
    return this.publish("", queue, body, properties);
  }

  /** Acknowledges a delivery: the broker forgets it. Synchronous (AMQP sends no reply). */
  ack(delivery: Delivery): void {
    this.settle(delivery, "acking", () => this.raw.ack(delivery.message));
  }

  /** Rejects a delivery; with `requeue` (the default) the broker delivers it again, to any consumer. */
  nack(delivery: Delivery, options: { readonly requeue?: boolean } = {}): void {
    this.settle(delivery, "nacking", () => this.raw.nack(delivery.message, false, options.requeue ?? true));
  }

  /** Starts closing the channel; no wait. Its unacked deliveries go back to their queues. */
  close(): void {
    if (this.state !== "open") return;
    this.state = "closing";
    if (!this.connection.isOpen) return; // closed with its connection already
    this.raw.close((error) => {
      if (error) this.brokerClose ??= asAmqplibError(error); // amqplib reports nothing else here
    });
  }

  /** @internal Tells `listener` once when the channel ends; returns the undo. */
  whenEnded(listener: () => void): () => void {
    if (this.state === "ended") {
      listener();
      return () => {};
    }
    this.onEnd.add(listener);
    return () => this.onEnd.delete(listener);
  }

  /**
   * @internal Why the channel cannot be used, as a typed error: the connection's loss first (a
   * channel dies with its connection), then the broker's reason for closing it, then our own close.
   */
  failure(what: string, error?: unknown): AmqpError {
    const ended = this.connection.endedError(what);
    if (ended) return ended;
    const raw = error === undefined ? undefined : asAmqplibError(error);
    if (raw && typeof raw.code === "number") return channelClosedError(raw, what);
    if (this.brokerClose && typeof this.brokerClose.code === "number") return channelClosedError(this.brokerClose, what);
    if (raw?.message === "message nacked") return new PublishNackedError(`RabbitMQ refused the message (nack) while ${what}; it was not taken: publish it again or give up`);
    if (this.state !== "open") return new AmqpClosedError(`${what}: this program has closed the channel`);
    return new AmqpError(`${what} failed${raw ? `: ${raw.message}` : ""}`, raw ? { cause: raw } : undefined);
  }

  /**
   * @internal Rejects with the typed failure, classified a moment later. amqplib fails pending
   * operations while it tears a connection down, before the connection's own 'close' says why;
   * a microtask later (still before anything else runs) the reason is known.
   */
  failLater(what: string, error: unknown, reject: Reject): void {
    queueMicrotask(() => reject(this.failure(what, error)));
  }

  /** One amqplib callback operation as an operation, with typed errors. */
  private call<T>(what: string, start: (done: (error: unknown, value: T) => void) => void): Operation<T> {
    return action<T>(`amqp ${what}`, (resolve: Resolve<T>, reject: Reject) => {
      if (!this.isOpen) {
        reject(this.failure(what));
        return noop;
      }
      try {
        start((error, value) => {
          if (error) this.failLater(what, error, reject);
          else resolve(value);
        });
        this.connection.flushSoon(); // the request's frames leave in this turn (write-batching.ts)
      } catch (error) {
        // amqplib throws IllegalOperationError synchronously on a channel that is closing.
        reject(this.failure(what, error));
      }
      return noop; // nothing to undo: a request sent to the broker cannot be recalled
    });
  }

  private settle(delivery: Delivery, what: string, send: () => void): void {
    if (delivery.channel !== this) {
      // Delivery tags count per channel: acking on another would settle some other message.
      throw new AmqpError(`${what} delivery ${delivery.deliveryTag}: it came on another channel; ack it on that one (after a reconnect, drop it: the broker redelivers it)`);
    }
    if (!this.isOpen) throw this.failure(`${what} delivery ${delivery.deliveryTag}`);
    try {
      send();
      this.connection.flushSoon();
    } catch (error) {
      throw this.failure(`${what} delivery ${delivery.deliveryTag}`, error);
    }
  }

  private delivery(message: ConsumeMessage): Delivery {
    const { properties, fields } = message;
    return {
      body: message.content,
      redelivered: fields.redelivered,
      correlationId: typeof properties.correlationId === "string" ? properties.correlationId : undefined,
      replyTo: typeof properties.replyTo === "string" ? properties.replyTo : undefined,
      exchange: fields.exchange,
      routingKey: fields.routingKey,
      deliveryTag: fields.deliveryTag,
      properties,
      message,
      channel: this,
    };
  }
}

/** The end of a subscription, queued behind the deliveries: `error` undefined when we cancelled it. */
interface End {
  readonly end: true;
  readonly error: AmqpError | undefined;
}

/**
 * A subscription whose deliveries wait in a loop `Queue` until a task takes them with `next()`.
 * The prefetch bounds how many can wait. When the channel dies, the deliveries not yet taken are
 * dropped (they were never acked: the broker delivers them again) and `next()` throws the reason.
 */
export class Subscription {
  private readonly deliveries: Queue<Delivery | End>;
  private tag = "";
  private ended = false;
  private readonly unwatch: () => void;

  /** @internal made by `AmqpChannel.subscribe` */
  constructor(
    readonly channel: AmqpChannel,
    readonly queue: string,
  ) {
    this.deliveries = new Queue<Delivery | End>(Infinity, `amqp ${queue}`);
    // Deferred like `failLater`: the channel closes before its connection says why.
    this.unwatch = channel.whenEnded(() => queueMicrotask(() => this.finish(channel.failure(`receiving from queue ${JSON.stringify(queue)}`), true)));
  }

  /** The broker's consumer tag. */
  get consumerTag(): string {
    return this.tag;
  }

  /** Deliveries received and not yet taken. */
  get waiting(): number {
    return this.deliveries.size - (this.ended ? 1 : 0); // the end marker is not a delivery
  }

  /**
   * The next delivery, waiting for one if needed; undefined once this program cancelled the
   * subscription and every delivery received before has been taken. Throws the typed reason
   * (`ConnectionLostError`, `SubscriptionCancelledError`, …) when it ended otherwise.
   */
  *next(): Operation<Delivery | undefined> {
    const item = yield* this.deliveries.get();
    if (!("end" in item)) return item;
    this.deliveries.putFront(item); // every later `next()` ends the same way
    if (item.error) throw item.error;
    return undefined;
  }

  /** Stops the deliveries; those already received stay to be taken (and acked). */
  *cancel(): Operation<void> {
    if (this.ended) return;
    yield* this.channel.cancel(this.tag);
    this.finish(undefined, false);
  }

  /** @internal */
  started(tag: string): void {
    this.tag = tag;
  }

  /** @internal from amqplib's consumer callback */
  deliver(delivery: Delivery): void {
    if (!this.ended) this.deliveries.offer(delivery); // unbounded: always taken
  }

  /** @internal the subscription never started */
  abandon(): void {
    this.finish(undefined, true);
  }

  /** @internal the broker cancelled the consumer */
  cancelledByBroker(): void {
    this.finish(new SubscriptionCancelledError(this.queue, this.tag), false);
  }

  private finish(error: AmqpError | undefined, dropWaiting: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.unwatch();
    if (dropWaiting) this.deliveries.removeWhere(() => true);
    // Once ended the end marker stays in the queue for good (`next` puts it back): `waiting` relies on it.
    this.deliveries.offer({ end: true, error });
  }
}

function noop(): void {}
