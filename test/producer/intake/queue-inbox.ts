// An intake's view of the producer, for testing intakes alone: requests become tasks in a queue.
import type { Queue } from "../../../src/loop/index.js";
import type { Inbox } from "../../../src/producer/dispatch/intake.js";
import { makeTask, type RpcTask } from "../../../src/producer/dispatch/rpc-task.js";

/** An inbox that numbers requests and puts them into `queue`, as dispatch's does. */
export function queueInbox(queue: Queue<RpcTask>): Inbox {
  let nextId = 1;
  return {
    *put(request, origin) {
      const task = makeTask(nextId++, request, origin);
      yield* queue.put(task);
      return task;
    },
    offer: () => undefined,
    cancel: () => false,
    serve: () => {
      throw new Error("the payload serves no exchanges");
    },
  };
}
