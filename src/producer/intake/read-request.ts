/**
 * Reads one request from a front-door client with the rules of PROTOCOL §1, as a consumer would:
 * it ends at a `\n`, at the client's half-close, or after a quiet period that follows at least one
 * byte; it is refused once longer than the limit; a client that sends nothing complete within the
 * read timeout gets `timeout`. The framing itself is the protocol's own pure `RequestFramer`;
 * this adds the socket and the clock.
 */
import { SocketError, type Connection, type Operation } from "../../loop/index.js";
import { RequestFramer, RpcError, type FrameResult, type RequestLimits } from "../../rpc/index.js";

/** What the client sent: a request to forward, or the error to answer it with at once. */
export type ClientRequest =
  | { readonly kind: "request"; readonly text: string }
  | { readonly kind: "refused"; readonly error: RpcError }
  /** The client went away before its request was complete: nobody to answer. */
  | { readonly kind: "gone" };

export function* readRequest(client: Connection, limits: RequestLimits): Operation<ClientRequest> {
  const framer = new RequestFramer(limits.maxRequestBytes);
  const deadline = performance.now() + limits.readTimeoutSeconds * 1000;
  let verdict: FrameResult = framer.state;
  while (verdict.status === "incomplete") {
    const left = (deadline - performance.now()) / 1000;
    if (left <= 0) {
      const error = new RpcError("timeout", `no complete request within ${limits.readTimeoutSeconds} s; end a request with a newline`);
      return { kind: "refused", error };
    }
    // Once a byte has come, a pause of the quiet period ends the request.
    const wait = framer.bytesReceived > 0 ? Math.min(limits.quietSeconds, left) : left;
    let chunk: Buffer | null;
    try {
      const read = yield* client.readWithin(wait);
      if (read.timedOut) {
        if (framer.bytesReceived > 0 && wait === limits.quietSeconds) verdict = framer.quiet();
        continue;
      }
      chunk = read.value;
    } catch (error) {
      if (error instanceof SocketError) return { kind: "gone" }; // reset or closed: nobody to answer
      throw error;
    }
    verdict = chunk === null ? framer.end() : framer.push(chunk);
  }
  return verdict.status === "complete" ? { kind: "request", text: verdict.text } : { kind: "refused", error: verdict.error };
}
