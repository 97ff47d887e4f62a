import type { Options } from "amqplib/callback_api";
import { AmqpUrlError } from "./errors.js";

/** An AMQP URL taken apart: what amqplib needs, and how to show it without the password. */
export interface AmqpAddress {
  readonly connect: Options.Connect;
  /** `amqp://user@host:port/vhost`: for logs and messages (never the password). */
  readonly display: string;
  /** The heartbeat the URL asks for (`?heartbeat=S`), if it does. */
  readonly heartbeat: number | undefined;
}

/**
 * Parses `amqp[s]://USER:PASS@HOST[:PORT][/VHOST][?heartbeat=S]` as RabbitMQ's URI spec does:
 * user, password and vhost are percent-decoded, no user means guest/guest, no vhost means `/`.
 * Checked here rather than by amqplib, whose errors for a bad URL do not say what is wrong.
 */
export function parseAmqpUrl(url: string): AmqpAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new AmqpUrlError(`not a URL: ${JSON.stringify(url)} (expected amqp://USER:PASS@HOST:PORT[/VHOST])`, { cause: error });
  }
  const protocol = parsed.protocol.slice(0, -1);
  if (protocol !== "amqp" && protocol !== "amqps") {
    throw new AmqpUrlError(`unsupported scheme ${JSON.stringify(parsed.protocol)} in ${JSON.stringify(redact(parsed))} (expected amqp:// or amqps://)`);
  }
  const hostname = parsed.hostname.replace(/^\[|\]$/g, "");
  if (hostname === "") throw new AmqpUrlError(`no host in ${JSON.stringify(redact(parsed))} (expected amqp://USER:PASS@HOST:PORT)`);
  const port = parsed.port === "" ? (protocol === "amqp" ? 5672 : 5671) : Number(parsed.port);
  const path = parsed.pathname;
  const vhost = path === "" || path === "/" ? "/" : decode(path.slice(1), "vhost", parsed);
  let heartbeat: number | undefined;
  for (const [key, value] of parsed.searchParams) {
    if (key !== "heartbeat") throw new AmqpUrlError(`unsupported URL parameter ${JSON.stringify(key)} in ${JSON.stringify(redact(parsed))} (only heartbeat=SECONDS is)`);
    heartbeat = Number(value);
    if (!Number.isInteger(heartbeat) || heartbeat < 0) throw new AmqpUrlError(`heartbeat must be a whole number of seconds >= 0, got ${JSON.stringify(value)}`);
  }
  const noUser = parsed.username === "" && parsed.password === "";
  const username = noUser ? "guest" : decode(parsed.username, "user name", parsed);
  const password = noUser ? "guest" : decode(parsed.password, "password", parsed);
  return {
    connect: { protocol, hostname, port, username, password, vhost },
    display: redact(parsed),
    heartbeat,
  };
}

/** The URL without its password (and without a query): safe to log. */
function redact(url: URL): string {
  const user = url.username === "" ? "" : `${url.username}@`;
  return `${url.protocol}//${user}${url.host}${url.pathname}`;
}

function decode(text: string, what: string, url: URL): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    throw new AmqpUrlError(`bad percent-encoding in the ${what} of ${JSON.stringify(redact(url))}`, { cause: error });
  }
}
