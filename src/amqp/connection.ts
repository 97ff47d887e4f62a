/**
 * A connection to RabbitMQ on the loop, through amqplib's callback API: each amqplib callback
 * becomes one `yield*` with `action`. amqplib's Promise face is never used (src/ has none).
 *
 * A connection ends in one of two ways: this program closes it (`close()`), or it is lost (the
 * broker stopped, the network went, heartbeats were missed). A loss is a `ConnectionLostError`:
 * `lost` holds it, `ended()` returns it, and every later operation on the connection or one of its
 * channels throws it. Reconnecting is the caller's policy (see `backoff`).
 */
import { connect as amqplibConnect, type ConfirmChannel, type Connection as AmqplibConnection } from "amqplib/callback_api";
import { action, type Operation } from "../loop/index.js";
import { AmqpChannel } from "./channel.js";
import { AmqpClosedError, AmqpError, asAmqplibError, BrokerUnreachableError, ConnectionLostError, type AmqplibError, type UnreachableReason } from "./errors.js";
import { parseAmqpUrl } from "./url.js";
import { batchFrameWrites, type FrameFlusher } from "./write-batching.js";

/** Options of {@link connectAmqp}. */
export interface AmqpConnectOptions {
  /**
   * Heartbeat interval in seconds (default 10; a `?heartbeat=S` in the URL wins; 0 turns them off).
   * A broker that stops answering is noticed after about two intervals, and the connection is lost.
   */
  readonly heartbeat?: number;
  /** Give up opening the connection after this many seconds (default 10). */
  readonly timeout?: number;
  /** The connection's name in RabbitMQ (`rabbitmqctl list_connections name client_properties`). */
  readonly name?: string;
}

const DEFAULT_HEARTBEAT = 10;
const DEFAULT_TIMEOUT = 10;

/**
 * Opens a connection to the broker at `url` (`amqp://USER:PASS@HOST:PORT[/VHOST]`), heartbeats on.
 * Throws `AmqpUrlError` for a URL it cannot use and `BrokerUnreachableError` when it cannot connect.
 *
 * @example
 * const connection = yield* connectAmqp("amqp://guest:guest@127.0.0.1:5672", { name: "producer" });
 * try {
 *   const channel = yield* connection.createChannel();
 *   yield* channel.assertQueue("rpc_tasks");
 * } finally {
 *   connection.close();
 * }
 */
export function* connectAmqp(url: string, options: AmqpConnectOptions = {}): Operation<AmqpConnection> {
  const address = parseAmqpUrl(url);
  const heartbeat = address.heartbeat ?? options.heartbeat ?? DEFAULT_HEARTBEAT;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (!(timeout > 0) || !Number.isFinite(timeout)) throw new RangeError(`connectAmqp timeout: seconds must be > 0, got ${String(timeout)}`);
  const clientProperties = options.name === undefined ? {} : { connection_name: options.name };
  return yield* action<AmqpConnection>(`amqp connect ${address.display}`, (resolve, reject) => {
    let abandoned = false;
    // Our own bound on the whole opening; amqplib's `timeout` (an idle timer on the socket)
    // additionally destroys the socket, so nothing is left connecting behind us.
    const timer = setTimeout(() => {
      abandoned = true;
      reject(new BrokerUnreachableError(`RabbitMQ at ${address.display} did not complete the connection within ${timeout} s; is it overloaded, or is that port something else?`, "timeout", address.display));
    }, timeout * 1000);
    amqplibConnect({ ...address.connect, heartbeat }, { noDelay: true, timeout: timeout * 1000, clientProperties }, (error, raw) => {
      clearTimeout(timer);
      if (error) {
        reject(unreachable(asAmqplibError(error), address.display));
        return;
      }
      // Listeners first, before anything else can happen: an 'error' with no listener would throw.
      const connection = new AmqpConnection(raw, address.display);
      if (abandoned) connection.close(); // halted or timed out while it was opening
      else resolve(connection);
    });
    return () => {
      clearTimeout(timer);
      abandoned = true;
    };
  });
}

/** The reason a connection could not be opened, in words a user can act on. */
function unreachable(error: AmqplibError, url: string): BrokerUnreachableError {
  const text = error.message;
  let reason: UnreachableReason = "handshake";
  let advice = `the AMQP handshake failed: ${text}`;
  if (error.code === "ECONNREFUSED") {
    reason = "refused";
    advice = "connection refused: is RabbitMQ running there? (a private one: scripts/broker.sh start)";
  } else if (error.code === "ETIMEDOUT" || /ETIMEDOUT/.test(text)) {
    reason = "timeout";
    advice = "no answer in time: is the host reachable, and is that port RabbitMQ's AMQP port?";
  } else if (typeof error.code === "string" && /^(EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ECONNRESET|EPIPE)$/.test(error.code)) {
    reason = "unreachable";
    advice = `${error.code}: check the host name and the network`;
  } else if (/ACCESS.REFUSED|403/.test(text)) {
    reason = "credentials";
    advice = "login refused: check the user name and password (guest may only connect from localhost)";
  } else if (/NOT.ALLOWED|vhost/i.test(text)) {
    reason = "vhost";
    advice = "the virtual host does not exist or the user may not use it";
  } else if (/Socket closed abruptly/.test(text)) {
    advice = "the server closed the connection during the handshake: is that port RabbitMQ's AMQP port?";
  }
  return new BrokerUnreachableError(`cannot connect to RabbitMQ at ${url}: ${advice}`, reason, url, { cause: error });
}

/** One AMQP connection. `close()` is synchronous, so it is safe in `finally`. */
export class AmqpConnection {
  private state: "open" | "closing" | "ended" = "open";
  private loss: ConnectionLostError | undefined;
  /** The first error amqplib reported before the connection closed: the cause of a loss. */
  private firstError: AmqplibError | undefined;
  private blockedReason: string | undefined;
  private readonly endWaiters = new Set<(loss: ConnectionLostError | undefined) => void>();
  private readonly frames: FrameFlusher;

  /** @internal made by `connectAmqp` */
  constructor(
    private readonly raw: AmqplibConnection,
    /** The broker's URL without the password: for logs. */
    readonly url: string,
  ) {
    this.frames = batchFrameWrites(raw);
    // Permanent listeners, from the start (DESIGN: a library's emitter needs an 'error' listener).
    // amqplib emits 'error' (sometimes) and then always 'close'; 'close' decides what happened.
    raw.on("error", (error: Error) => {
      this.firstError ??= error;
    });
    raw.on("close", (error?: Error) => this.onClose(error));
    // A resource alarm (memory, disk) on the broker: publishes stall until 'unblocked'.
    raw.on("blocked", (reason: string) => {
      this.blockedReason = reason;
    });
    raw.on("unblocked", () => {
      this.blockedReason = undefined;
    });
  }

  /**
   * True when the frames amqplib writes in one flush leave in one socket write, at the end of the
   * turn that wrote them (write-batching.ts); false when this amqplib's internals were not the
   * expected ones and it writes frame by frame, a turn later.
   */
  get batchesWrites(): boolean {
    return this.frames.batched;
  }

  /** @internal The frames written so far leave at the end of this turn. Channels call it after each operation. */
  flushSoon(): void {
    this.frames.flushSoon();
  }

  /** True until the connection is closed or lost. */
  get isOpen(): boolean {
    return this.state === "open";
  }

  /** Why the connection was lost, once it was; undefined while open or when this program closed it. */
  get lost(): ConnectionLostError | undefined {
    return this.loss;
  }

  /** Why the broker blocks publishing right now (a memory or disk alarm), if it does. */
  get blocked(): string | undefined {
    return this.blockedReason;
  }

  /**
   * Opens a channel in confirm mode: each publish waits for the broker's confirm.
   *
   * @example
   * const channel = yield* connection.createChannel();
   * yield* channel.prefetch(10);
   */
  *createChannel(): Operation<AmqpChannel> {
    this.checkUsable("opening a channel");
    const what = "opening a channel";
    return yield* action<AmqpChannel>(`amqp open channel ${this.url}`, (resolve, reject) => {
      let abandoned = false;
      let channel: AmqpChannel | undefined = undefined;
      const raw: ConfirmChannel = this.raw.createConfirmChannel((error) => {
        if (channel === undefined) {
          // Called back before createConfirmChannel returned: amqplib could not even allocate one.
          reject(new AmqpError(`${what} on ${this.url} failed: ${asAmqplibError(error).message}`, { cause: error }));
        } else if (error) {
          channel.failLater(what, error, reject);
        } else if (abandoned) {
          channel.close();
        } else {
          resolve(channel);
        }
      });
      channel = new AmqpChannel(raw, this); // its listeners are on before any frame can arrive
      return () => {
        abandoned = true;
      };
    });
  }

  /** Starts closing the connection (and its channels); no wait. Closing twice, or after a loss, does nothing. */
  close(): void {
    if (this.state !== "open") return;
    this.state = "closing";
    this.raw.close((error) => {
      // amqplib reports only "already closed" here, and 'close' has told us the rest.
      if (error) this.firstError ??= error;
    });
  }

  /**
   * Waits until the connection has ended, and returns the loss (or undefined when this program
   * closed it). A supervisor task waits here to learn that it must reconnect.
   *
   * @example
   * const loss = yield* connection.ended();
   * if (loss) log("broker_down", { reason: loss.message });
   */
  ended(): Operation<ConnectionLostError | undefined> {
    if (this.state === "ended") return immediate(this.loss);
    return action<ConnectionLostError | undefined>(`amqp connection ${this.url} ends`, (resolve) => {
      this.endWaiters.add(resolve);
      return () => this.endWaiters.delete(resolve);
    });
  }

  /** Closes the connection and waits until the broker has confirmed it (bound it with `timebox`). */
  *closeAndWait(): Operation<void> {
    this.close();
    yield* this.ended();
  }

  /** @internal Throws, typed, if the connection cannot be used now. Channels call it too. */
  checkUsable(what: string): void {
    if (this.loss) throw this.loss;
    if (this.state !== "open") throw new AmqpClosedError(`${what}: this program has closed its connection to RabbitMQ at ${this.url}`);
  }

  /** @internal The error an operation gets when the connection is no longer open, or undefined while it is. */
  endedError(what: string): ConnectionLostError | AmqpClosedError | undefined {
    if (this.loss) return this.loss;
    if (this.state !== "open") return new AmqpClosedError(`${what}: this program has closed its connection to RabbitMQ at ${this.url}`);
    return undefined;
  }

  private onClose(error: Error | undefined): void {
    const closedByUs = this.state === "closing";
    this.state = "ended";
    const cause = error ?? this.firstError;
    if (!closedByUs) this.loss = lossError(cause, this.url);
    for (const waiter of [...this.endWaiters]) waiter(this.loss);
    this.endWaiters.clear();
  }
}

/** A `ConnectionLostError` that says what happened in words, from amqplib's error for it. */
function lossError(cause: AmqplibError | undefined, url: string): ConnectionLostError {
  const replyCode = typeof cause?.code === "number" ? cause.code : undefined;
  const text = cause?.message ?? "closed without a reason";
  let what: string;
  if (replyCode === 320) what = `RabbitMQ closed the connection (${text}): the broker is shutting down, or an operator closed it`;
  else if (replyCode !== undefined) what = `RabbitMQ closed the connection with an error (${text})`;
  else if (/Heartbeat timeout/.test(text)) what = "RabbitMQ stopped answering (missed heartbeats): the broker or the network is down or overloaded";
  else if (/Unexpected close/.test(text)) what = "the connection was cut (the broker went away, or the network did)";
  else if (typeof cause?.code === "string") what = `socket error ${cause.code} (${text})`;
  else what = text;
  return new ConnectionLostError(`lost the connection to RabbitMQ at ${url}: ${what}; reconnect (with back-off) when it is back`, url, replyCode, cause ? { cause } : undefined);
}

/** An operation that is already complete: `action` resolves at once, without waiting. */
function immediate<T>(value: T): Operation<T> {
  return action<T>("immediate", (resolve) => {
    resolve(value);
    return () => {};
  });
}
