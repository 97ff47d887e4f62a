/**
 * RabbitMQ (AMQP 0-9-1) on the loop, through amqplib's callback API. It knows the loop, not the
 * producer: connections, confirm channels, subscriptions, publisher confirms, typed errors.
 */
export { connectAmqp, AmqpConnection } from "./connection.js";
export type { AmqpConnectOptions } from "./connection.js";
export { AmqpChannel, Subscription } from "./channel.js";
export type { ConsumeOptions, Delivery, QueueInfo } from "./channel.js";
export { parseAmqpUrl } from "./url.js";
export type { AmqpAddress } from "./url.js";
export { backoff } from "./backoff.js";
export type { BackoffOptions } from "./backoff.js";
export {
  AmqpClosedError,
  AmqpError,
  AmqpUrlError,
  BrokerUnreachableError,
  ChannelClosedError,
  ConnectionLostError,
  PublishNackedError,
  SubscriptionCancelledError,
} from "./errors.js";
export type { UnreachableReason } from "./errors.js";
