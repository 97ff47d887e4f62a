/**
 * `--listen [HOST:]PORT`: the producer as a gateway speaking the line protocol of PROTOCOL §1 —
 * the same requests and replies as a consumer, so a client written for a consumer works against
 * the producer unchanged — but serving any number of clients at once (§6).
 *
 * One exchange per connection, each a coroutine of its own: read the request (its form is checked
 * here, and a malformed one answered at once, without a call), put it into the queue, wait for its
 * final state while watching the client, write the answer, close. A client that goes away while
 * its task is still queued cancels it.
 */
import { isTracing, SocketError, type Connection, type Listener, type Operation } from "../../loop/index.js";
import { parseRequest, RpcError, type RequestLimits } from "../../rpc/index.js";
import type { Emit } from "../dispatch/events.js";
import type { Inbox, Intake } from "../dispatch/intake.js";
import { acceptEach } from "./accept-each.js";
import { errorAnswer } from "./answer.js";
import { forward } from "./forward.js";
import { readRequest } from "./read-request.js";

export interface FrontDoorOptions {
  readonly limits: RequestLimits;
  /** `--queue-timeout`, for the `no consumer up` answer. */
  readonly queueTimeout: number;
  /** `--queue-limit`, for the `queue full` answer. */
  readonly queueLimit: number;
}

export class ListenIntake implements Intake {
  readonly name: string;

  /** `listener` is bound already (main.ts binds before the run, so a taken port is said at once). */
  constructor(
    private readonly listener: Listener,
    private readonly options: FrontDoorOptions,
    private readonly emit: Emit,
  ) {
    this.name = `listen ${listener.address}`;
  }

  /** Accepts clients until halted (at shutdown); their exchanges run on in the producer's scope. */
  *run(inbox: Inbox): Operation<void> {
    // The exchange's name is for traces only: naming the client asks the system (net.ts, `peer`).
    yield* acceptEach(this.listener, "listen", this.emit, (client: Connection) =>
      inbox.serve(() => serveClient(client, inbox, this.options), isTracing() ? `client ${client.peer}` : undefined),
    );
  }
}

/** One client: its request, its answer. A client that went away gets nothing; nothing else is lost. */
function* serveClient(client: Connection, inbox: Inbox, options: FrontDoorOptions): Operation<void> {
  try {
    const answer = yield* answerClient(client, inbox, options);
    if (answer !== undefined) yield* client.end(`${answer}\n`);
  } catch (error) {
    if (!(error instanceof SocketError)) throw error; // the client went away while we wrote
  } finally {
    client.close();
  }
}

/** The answer line for the client, or `undefined` when there is nobody to answer. */
function* answerClient(client: Connection, inbox: Inbox, options: FrontDoorOptions): Operation<string | undefined> {
  const read = yield* readRequest(client, options.limits);
  if (read.kind === "gone") return undefined;
  if (read.kind === "refused") return errorAnswer(read.error).line;
  let request;
  try {
    request = parseRequest(read.text);
  } catch (error) {
    if (error instanceof RpcError) return errorAnswer(error).line;
    throw error;
  }
  // Meanwhile bytes after the request are dropped, and a client that resets cancels the task.
  const answer = yield* forward(inbox, request, "listen", client, options, (cancel) => client.discardInput(cancel));
  return answer?.line;
}
