/**
 * `--http [HOST:]PORT`: the same front door over HTTP/1.1 (PROTOCOL §6), on `node:http` with
 * keep-alive, bridged onto the loop (src/http/). `POST /rpc` (the body is one request line) or
 * `GET /rpc?q=…` becomes a task like a `--listen` request; the answer is the result, or
 * `ERROR <code>: <message>` with a status by code. Beside it, the pages of status-pages.ts: the
 * live page (`/`, `/events`), `/healthz`, `/stats`, `/metrics`.
 */
import { HttpServerError, type HttpExchange, type HttpListener } from "../../http/server.js";
import type { Operation } from "../../loop/index.js";
import { decodeRequestBytes, parseRequest, RpcError, type RpcErrorCode } from "../../rpc/index.js";
import type { Emit } from "../dispatch/events.js";
import type { Inbox, Intake } from "../dispatch/intake.js";
import { acceptEach } from "./accept-each.js";
import { errorAnswer, type FrontDoorAnswer } from "./answer.js";
import { forward } from "./forward.js";
import type { FrontDoorOptions } from "./listen.js";
import { RETRY_AFTER_S, type StatusPages } from "./status-pages.js";

/** The HTTP status of each error code (§6). */
export const STATUS_OF: Readonly<Record<RpcErrorCode, number>> = {
  bad_request: 400,
  unknown_handler: 404,
  unknown_method: 404,
  bad_argument: 422,
  too_large: 413,
  timeout: 408,
  unavailable: 503,
  internal: 502,
};

export class HttpIntake implements Intake {
  readonly name: string;

  constructor(
    private readonly listener: HttpListener,
    private readonly options: FrontDoorOptions,
    /** `/`, `/events`, `/healthz`, `/stats`, `/metrics`: shared with --dashboard. */
    private readonly pages: StatusPages,
    private readonly emit: Emit,
  ) {
    this.name = `http ${listener.address}`;
  }

  /** Accepts clients until halted (at shutdown); their exchanges run on in the producer's scope. */
  *run(inbox: Inbox): Operation<void> {
    yield* acceptEach(this.listener, "http", this.emit, (exchange: HttpExchange) => {
      // The pages answer at once, or stream until the run ends: not exchanges the producer waits for.
      if (this.pages.serves(exchange.path)) this.pages.answer(exchange);
      else inbox.serve(() => this.route(exchange, inbox), `client ${exchange.peer}`);
    });
  }

  private *route(exchange: HttpExchange, inbox: Inbox): Operation<void> {
    const { method, path } = exchange;
    if (path !== "/rpc") {
      exchange.respond(404, `not found: ${path}; try POST /rpc, GET /rpc?q=, / (the live page), /events, /healthz, /stats, /metrics`);
      return;
    }
    if (method !== "GET" && method !== "POST") {
      exchange.respond(405, `method ${method} not allowed on /rpc; use POST (the body is the request) or GET ?q=`, { allow: "GET, POST" });
      return;
    }
    yield* this.serveRpc(exchange, inbox);
  }

  private *serveRpc(exchange: HttpExchange, inbox: Inbox): Operation<void> {
    const answer = yield* this.answerRpc(exchange, inbox);
    if (answer === undefined) return; // the client went away: nobody to answer
    if (answer.code === undefined) {
      exchange.respond(200, answer.line);
      return;
    }
    const headers = answer.code === "unavailable" ? { "retry-after": String(RETRY_AFTER_S) } : {};
    exchange.respond(STATUS_OF[answer.code], answer.line, headers);
  }

  private *answerRpc(exchange: HttpExchange, inbox: Inbox): Operation<FrontDoorAnswer | undefined> {
    let line: string;
    try {
      line = yield* this.requestLine(exchange);
    } catch (error) {
      if (error instanceof RpcError) return errorAnswer(error);
      if (error instanceof HttpServerError && error.code === "EABORTED") return undefined;
      throw error;
    }
    let request;
    try {
      request = parseRequest(line);
    } catch (error) {
      if (error instanceof RpcError) return errorAnswer(error);
      throw error;
    }
    return yield* forward(inbox, request, "http", exchange, this.options, (cancel) => exchange.whenAborted(cancel));
  }

  /** The request line of `POST /rpc` (its body) or `GET /rpc?q=`, checked as the line protocol checks one. */
  private *requestLine(exchange: HttpExchange): Operation<string> {
    const { maxRequestBytes } = this.options.limits;
    let bytes: Buffer;
    if (exchange.method === "POST") {
      try {
        bytes = yield* exchange.readBody(maxRequestBytes + 2); // room for a final \r\n
      } catch (error) {
        if (error instanceof HttpServerError && error.code === "ETOOLARGE") throw tooLarge(maxRequestBytes);
        throw error;
      }
    } else {
      const q = exchange.query.get("q");
      if (q === null) throw new RpcError("bad_request", "no request: send it as the body of POST /rpc, or as GET /rpc?q=<request line>");
      bytes = Buffer.from(q, "utf8");
    }
    // One final newline (and a \r before it) is allowed, as on the line protocol.
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0a) end--;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    if (end > maxRequestBytes) throw tooLarge(maxRequestBytes);
    return decodeRequestBytes(bytes.subarray(0, end));
  }
}

function tooLarge(limit: number): RpcError {
  return new RpcError("too_large", `request is longer than ${limit} bytes (the limit, set with --max-request-bytes)`);
}
