/**
 * What can go wrong talking to RabbitMQ, as types a caller can react to. Every message names the
 * broker (its URL without the password) and says what to do about it.
 *
 * - `AmqpUrlError`: the URL cannot be used (a usage error: fix the command line).
 * - `BrokerUnreachableError`: no connection could be opened (down, refused, wrong credentials …).
 * - `ConnectionLostError`: an open connection ended without us closing it. Every channel of it is
 *   gone; reconnecting (with a capped back-off) is the caller's policy.
 * - `ChannelClosedError`: the broker closed one channel because of what was asked of it (no such
 *   queue, a queue declared with other options, an exclusive queue in use …); the connection lives.
 * - `PublishNackedError`: the broker refused a message it had been given (publisher confirm: nack).
 * - `AmqpClosedError`: used after this program closed the connection or the channel itself.
 */

/** The base class: `instanceof AmqpError` catches every failure of the AMQP bridge. */
export class AmqpError extends Error {
  override readonly name: string = "AmqpError";
}

/** The AMQP URL is malformed or uses something we do not support. */
export class AmqpUrlError extends AmqpError {
  override readonly name = "AmqpUrlError";
}

/** Why a connection could not be opened. */
export type UnreachableReason = "refused" | "unreachable" | "timeout" | "credentials" | "vhost" | "handshake";

/** No connection could be opened to the broker. */
export class BrokerUnreachableError extends AmqpError {
  override readonly name = "BrokerUnreachableError";
  constructor(
    message: string,
    readonly reason: UnreachableReason,
    /** The broker's URL, without the password. */
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An open connection ended without this program closing it: broker stopped, network lost, heartbeats missed. */
export class ConnectionLostError extends AmqpError {
  override readonly name = "ConnectionLostError";
  constructor(
    message: string,
    /** The broker's URL, without the password. */
    readonly url: string,
    /** The AMQP reply code when the broker closed it (320: the broker is shutting down or an operator closed it), else undefined. */
    readonly replyCode: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The broker closed a channel because of an operation on it; the connection is still usable. */
export class ChannelClosedError extends AmqpError {
  override readonly name = "ChannelClosedError";
  constructor(
    message: string,
    /** The AMQP reply code: 404 not found, 405 resource locked, 406 precondition failed, 403 access refused, … */
    readonly replyCode: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The broker nacked a published message: it did not take responsibility for it. */
export class PublishNackedError extends AmqpError {
  override readonly name = "PublishNackedError";
}

/** An operation on a connection or channel this program has already closed (a bug in the caller's lifecycle). */
export class AmqpClosedError extends AmqpError {
  override readonly name = "AmqpClosedError";
}

/** The AMQP reply codes we explain, with what a user can do about each. */
const CHANNEL_ADVICE: Record<number, string> = {
  403: "access refused: the user lacks the permission on this vhost",
  404: "not found: declare the queue (or exchange) first, or check its name",
  405: "resource locked: an exclusive queue is in use by another connection",
  406: "precondition failed: the queue exists with other options (durable, exclusive, arguments); delete it or declare it the same way",
};

/** A `ChannelClosedError` from amqplib's error for a channel the broker closed. */
export function channelClosedError(error: AmqplibError, what: string): ChannelClosedError {
  const code = typeof error.code === "number" ? error.code : undefined;
  const advice = code !== undefined && Object.hasOwn(CHANNEL_ADVICE, code) ? ` (${CHANNEL_ADVICE[code]})` : "";
  return new ChannelClosedError(`RabbitMQ closed the channel during ${what}: ${error.message}${advice}`, code, { cause: error });
}

/** What amqplib's errors carry besides a message: a socket's `code` string, or an AMQP reply code. */
export type AmqplibError = Error & { code?: string | number };

/** amqplib reports failures as plain Errors; this reads one as what it is. */
export function asAmqplibError(error: unknown): AmqplibError {
  return error instanceof Error ? error : new Error(String(error));
}

/** RabbitMQ ended a subscription by itself (its queue was deleted, or the queue's node went away). */
export class SubscriptionCancelledError extends AmqpError {
  override readonly name = "SubscriptionCancelledError";
  constructor(
    readonly queue: string,
    readonly consumerTag: string,
  ) {
    super(`RabbitMQ cancelled the subscription to queue ${JSON.stringify(queue)} (was the queue deleted?); declare it and subscribe again`);
  }
}
