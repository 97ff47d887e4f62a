/**
 * What a front door answers its client at a task's final state (PROTOCOL §6): the consumer's
 * reply, result or `ERROR`, passed back unchanged; or the producer's own `ERROR unavailable` when
 * the request could not be served now (no consumer up, every attempt failed by transport,
 * shutting down). Shared by every network intake, so `--listen`, `--http` and `--amqp` say the
 * same thing for the same outcome.
 */
import { formatErrorReply, RpcError, type RpcErrorCode } from "../../rpc/index.js";
import type { TaskOutcome } from "../dispatch/rpc-task.js";

/** The answer as a line (without its `\n`) and the code it carries, if an error. */
export interface FrontDoorAnswer {
  readonly line: string;
  readonly code: RpcErrorCode | undefined;
}

/** A task that failed because nobody could serve it now: trying again later may work. */
export function unavailable(message: string): FrontDoorAnswer {
  return errorAnswer(new RpcError("unavailable", message));
}

/** A front door's own answer to a request it refuses (its form, its size, its read timeout). */
export function errorAnswer(error: RpcError): FrontDoorAnswer {
  return { line: formatErrorReply(error).slice(0, -1), code: error.code };
}

const CONSUMER_ERROR = /^ERROR ([a-z_]+): /;

/**
 * The answer for a final state; `undefined` for a task cancelled because its client went away
 * (there is nobody to answer). `queueTimeout` is `--queue-timeout`, for the `no_consumer` answer.
 */
export function answerFor(outcome: TaskOutcome, queueTimeout: number): FrontDoorAnswer | undefined {
  if (outcome.ok) return { line: outcome.reply, code: undefined };
  const { reason, error, attempts } = outcome;
  // An ERROR the consumer sent (the request's own fault, or `internal` on the last attempt).
  const sent = CONSUMER_ERROR.exec(error);
  if (sent !== null) return { line: error, code: sent[1] as RpcErrorCode };
  switch (reason) {
    case "cancelled":
      return undefined;
    case "shutdown":
      return unavailable("shutting down");
    case "no_consumer":
      return unavailable(`no consumer up for ${queueTimeout} s`);
    case "too_large":
      return errorAnswer(new RpcError("too_large", error));
    default:
      // refused, reset, closed, timeout, unreachable: every attempt failed by transport.
      return unavailable(`${error} after ${attempts} attempt${attempts === 1 ? "" : "s"}`);
  }
}

/** The answer to a client whose task found the queue full (`--queue-limit`). */
export function queueFull(waiting: number): FrontDoorAnswer {
  return unavailable(`queue full (${waiting} tasks waiting)`);
}
