import { formatCommand, type RpcRequest } from "../../rpc/index.js";

/** What an intake asks for: which handler and method to call, with what value. */
export interface TaskRequest {
  readonly handler: string;
  readonly method: string;
  /** The argument text: `500`, or a sentence. */
  readonly value: string;
  /** The request line's text, `fibonacci_generator calculate 500`. */
  readonly command: string;
}

/** A task's final state, as its intake is told it. */
export type TaskOutcome =
  | { readonly ok: true; readonly reply: string; readonly target: string }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly error: string;
      readonly target: string | null;
      /** Calls made for it (0 for a task never sent). */
      readonly attempts: number;
    };

/**
 * How a task's client is named: a string, or a name worked out only when printed — in the JSON
 * log (`toJSON`) or as text (`String(name)`). A `--listen` client's `host:port` is a system call
 * (`getpeername`), ~3 % of a gateway's CPU per request, and a quiet gateway never prints it.
 */
export type ClientName = string | { toString(): string; toJSON(): string };

/**
 * Who asked for a task: its intake (`source`), the client for a network intake, and how to answer
 * it. Dispatch never looks inside `answer`: it only calls it once, at the task's final state.
 */
export interface TaskOrigin {
  /** `payload`, `listen`, `http`, `amqp`. */
  readonly source: string;
  /** The client, for a network intake: `host:port`, or an AMQP `reply_to`. */
  readonly client?: ClientName;
  /** True for a message the broker delivered before (another producer died holding it). */
  readonly redelivered?: boolean;
  /** Told the task's final state, once. */
  answer?(outcome: TaskOutcome): void;
}

/** One request in the producer: numbered by dispatch (ids are unique in a run), with its origin. */
export interface RpcTask extends TaskRequest {
  readonly id: number;
  readonly origin: TaskOrigin;
}

export function makeRequest(handler: string, method: string, value: string): TaskRequest {
  const args = value.split(" ").filter((word) => word.length > 0);
  return { handler, method, value, command: formatCommand({ handler, method, args }) };
}

/**
 * The task request for a request a client sent, as `parseRequest` parsed it: its tokens are
 * checked already, so the command is them joined, with no second split and check (`makeRequest`).
 */
export function requestFor(request: RpcRequest): TaskRequest {
  const { handler, method } = request;
  const value = request.args.join(" ");
  return { handler, method, value, command: value.length === 0 ? `${handler} ${method}` : `${handler} ${method} ${value}` };
}

export function makeTask(id: number, request: TaskRequest, origin: TaskOrigin): RpcTask {
  return { id, handler: request.handler, method: request.method, value: request.value, command: request.command, origin };
}
