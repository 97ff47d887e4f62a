/**
 * `--dashboard [HOST:]PORT`: the live page and the status pages (status-pages.ts) on a port of
 * their own, for a producer with no `--http` door (the payload alone, `--listen`, `--amqp`). It
 * sits with the doors because it is one, but it takes no tasks: it is not an intake, so it never
 * keeps a run going (`--tasks` still ends it) and it answers `/rpc` with a 404 that says where
 * requests go instead. It closes when the run is over.
 */
import type { HttpExchange, HttpListener } from "../../http/server.js";
import type { Operation } from "../../loop/index.js";
import type { Emit } from "../dispatch/events.js";
import { acceptEach } from "./accept-each.js";
import { STATUS_PATHS, type StatusPages } from "./status-pages.js";

/** Serves `pages` on `listener` until halted; then the listener is closed. */
export function* serveDashboard(listener: HttpListener, pages: StatusPages, emit: Emit): Operation<void> {
  yield* acceptEach(listener, "dashboard", emit, (exchange: HttpExchange) => {
    if (pages.serves(exchange.path)) pages.answer(exchange);
    else if (exchange.path === "/rpc") exchange.respond(404, "not found: /rpc; the --dashboard takes no requests: send them to the producer's --http door");
    else exchange.respond(404, `not found: ${exchange.path}; the --dashboard serves ${STATUS_PATHS.join(", ")}`);
  });
}
