/**
 * Where the client sends its requests: a consumer or a producer's `--listen` door (the line
 * protocol of §1 over TCP), or a producer's `--http` door. Each answers a command with the
 * server's answer — a result or an `ERROR` — and throws for a failure of transport.
 */
import { Agent } from "node:http";
import { fetchText, HttpClientError } from "../http/client.js";
import type { Operation } from "../loop/index.js";
import { SocketError, TimeoutError } from "../loop/index.js";
import { parseReply, RpcError, type RpcErrorCode } from "../rpc/index.js";
import { RpcClient } from "../producer/dispatch/client.js";
import { AmqpError, connectAmqp, type AmqpConnection } from "../amqp/index.js";
import { AmqpRpcClient } from "../amqp/rpc-client.js";
import type { TargetAddress } from "../producer/dispatch/targets.js";

/** What a server answered. */
export type Answer = { readonly kind: "result"; readonly text: string } | { readonly kind: "error"; readonly code: RpcErrorCode; readonly message: string };

/** No answer at all: refused, reset, closed without a reply, timed out. */
export class TransportError extends Error {
  override readonly name = "TransportError";
}

export interface FrontDoor {
  /** `127.0.0.1:9000`, `http://127.0.0.1:8080/rpc`: what the logs call it. */
  readonly name: string;
  /** Gets ready before the first request (a broker connection); nothing to do for most doors. */
  open(): Operation<void>;
  send(command: string): Operation<Answer>;
  /** Frees what the door holds (a keep-alive agent, a broker connection). */
  close(): void;
}

/** The answer line as a server sends it: the result, or `ERROR <code>: <message>`. */
export function answerLine(answer: Answer): string {
  return answer.kind === "result" ? answer.text : `ERROR ${answer.code}: ${answer.message}`;
}

/** A consumer, or a producer's `--listen` door: one TCP connection per request. */
export class LineDoor implements FrontDoor {
  readonly name: string;
  private readonly client: RpcClient;

  constructor(target: TargetAddress, timeoutSeconds: number, maxReplyBytes: number) {
    this.name = target.name;
    this.client = new RpcClient(target.host, target.port, timeoutSeconds, target.name, maxReplyBytes);
  }

  *send(command: string): Operation<Answer> {
    try {
      return { kind: "result", text: yield* this.client.call(command) };
    } catch (error) {
      if (error instanceof RpcError) return { kind: "error", code: error.code, message: error.message };
      if (error instanceof SocketError) throw new TransportError(error.message, { cause: error });
      if (error instanceof TimeoutError) throw new TransportError(`no answer from ${this.name} within ${error.seconds} s`, { cause: error });
      throw error;
    }
  }

  *open(): Operation<void> {}

  close(): void {}
}

/** A producer's `--http` door: `POST /rpc` with the request line as the body, on kept-alive connections. */
export class HttpDoor implements FrontDoor {
  readonly name: string;
  private readonly url: URL;
  private readonly agent = new Agent({ keepAlive: true });

  constructor(
    base: URL,
    private readonly timeoutSeconds: number,
    private readonly maxReplyBytes: number,
  ) {
    // `http://host:8080` means its /rpc; a URL with a path is taken as it is.
    this.url = base.pathname === "/" ? new URL("/rpc", base) : base;
    this.name = this.url.href;
  }

  *send(command: string): Operation<Answer> {
    let status: number;
    let body: string;
    try {
      ({ status, body } = yield* fetchText(this.url, { method: "POST", body: command, timeout: this.timeoutSeconds, maxBytes: this.maxReplyBytes, agent: this.agent }));
    } catch (error) {
      if (error instanceof HttpClientError) throw new TransportError(error.message, { cause: error });
      throw error;
    }
    const reply = parseReply(body);
    if (status === 200 && reply.kind === "value") return { kind: "result", text: reply.value };
    if (reply.kind === "error") return { kind: "error", code: reply.error.code, message: reply.error.message };
    throw new TransportError(`${this.name} answered HTTP ${status} without an RPC answer${body === "" ? "" : `: ${JSON.stringify(body.slice(0, 200))}`}`);
  }

  *open(): Operation<void> {}

  close(): void {
    this.agent.destroy();
  }
}

/**
 * The shared RabbitMQ queue of producers started with `--amqp` (PROTOCOL §7), by RabbitMQ's RPC
 * pattern: an exclusive reply queue, a `correlation_id` per request, the first answer wins (answers
 * are at least once).
 */
export class AmqpDoor implements FrontDoor {
  readonly name: string;
  private connection: AmqpConnection | undefined;
  private client: AmqpRpcClient | undefined;

  constructor(
    private readonly url: string,
    private readonly queue: string,
    private readonly timeoutSeconds: number,
    display: string,
  ) {
    this.name = `${display} queue ${queue}`;
  }

  /** Connects, once, before the first request: a load sends many at once, on one connection. */
  *open(): Operation<void> {
    try {
      this.connection = yield* connectAmqp(this.url, { name: "rpc client" });
      this.client = yield* AmqpRpcClient.open(this.connection, { queue: this.queue, timeout: this.timeoutSeconds });
    } catch (error) {
      if (error instanceof AmqpError) throw new TransportError(error.message, { cause: error });
      throw error;
    }
  }

  *send(command: string): Operation<Answer> {
    if (this.client === undefined) throw new Error("AmqpDoor.send before open (a bug)");
    let text: string;
    try {
      text = yield* this.client.call(command);
    } catch (error) {
      if (error instanceof AmqpError) throw new TransportError(error.message, { cause: error });
      if (error instanceof TimeoutError) throw new TransportError(`no answer through ${this.name} within ${error.seconds} s`, { cause: error });
      throw error;
    }
    const reply = parseReply(text);
    if (reply.kind === "value") return { kind: "result", text: reply.value };
    if (reply.kind === "error") return { kind: "error", code: reply.error.code, message: reply.error.message };
    throw new TransportError(`an empty answer through ${this.name}`);
  }

  close(): void {
    this.client?.close();
    this.connection?.close();
  }
}
