/**
 * A front door's request, forwarded (PROTOCOL §6): offered to the queue as a task — when the
 * queue is full, the `unavailable` answer comes at once — and answered once the task is final.
 * Shared by `--listen` and `--http`, which differ only in how they notice a client going away:
 * `watchClient` is handed the task's cancel, to call from the socket's callback (a task still
 * queued then ends `cancelled`, and there is nobody to answer). No task watches the client.
 */
import { Queue, type Operation } from "../../loop/index.js";
import type { RpcRequest } from "../../rpc/index.js";
import type { Inbox } from "../dispatch/intake.js";
import { makeRequest, type TaskOrigin, type TaskOutcome } from "../dispatch/rpc-task.js";
import { answerFor, queueFull, type FrontDoorAnswer } from "./answer.js";
import type { FrontDoorOptions } from "./listen.js";

/** The answer for the client, or `undefined` when there is nobody to answer. */
export function* forward(
  inbox: Inbox,
  request: RpcRequest,
  from: Omit<TaskOrigin, "answer">,
  options: FrontDoorOptions,
  watchClient: (cancel: () => void) => void,
): Operation<FrontDoorAnswer | undefined> {
  const outcomes = new Queue<TaskOutcome>(1, "answer");
  const task = inbox.offer(makeRequest(request.handler, request.method, request.args.join(" ")), { ...from, answer: (outcome) => outcomes.offer(outcome) });
  if (task === undefined) return queueFull(options.queueLimit);
  watchClient(() => inbox.cancel(task));
  return answerFor(yield* outcomes.get(), options.queueTimeout);
}
