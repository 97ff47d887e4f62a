// A request's text and its parts: `<handler> <method> [arg ...]`, tokens separated by one or more
// spaces (the space character only), leading and trailing spaces ignored (PROTOCOL §1).

import { RpcError } from "./errors.js";
import { printable } from "./printable.js";

/** A parsed request: `handler.method(...args)`, every argument a string. */
export interface RpcRequest {
  readonly handler: string;
  readonly method: string;
  readonly args: readonly string[];
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;

/** The tokens of a request's text: split on runs of spaces, ignoring spaces at either end. */
export function splitTokens(text: string): string[] {
  return text.split(" ").filter(nonEmpty);
}

function nonEmpty(token: string): boolean {
  return token.length > 0;
}

/**
 * Parses a framed request (see `RequestFramer`, which has already checked UTF-8).
 * @throws RpcError `bad_request` for an empty request, a control character, or fewer than 2
 * tokens.
 */
export function parseRequest(text: string): RpcRequest {
  const control = CONTROL_CHAR.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, "0");
    throw new RpcError("bad_request", `control character 0x${code} in the request; only printable text is allowed`);
  }
  const tokens = splitTokens(text);
  if (tokens.length === 0) {
    throw new RpcError("bad_request", "empty request; send '<handler> <method> [arg ...]' and a newline");
  }
  if (tokens.length < 2) {
    throw new RpcError(
      "bad_request",
      `a request needs at least 2 tokens, '<handler> <method> [arg ...]'; got only ${JSON.stringify(printable(tokens[0]!, 40))}`,
    );
  }
  // By index, not `[handler, method, ...args]`: a destructuring rest walks an iterator (every request).
  return { handler: tokens[0]!, method: tokens[1]!, args: tokens.slice(2) };
}

function checkToken(token: string, what: string): void {
  if (token.length === 0 || token.includes(" ") || CONTROL_CHAR.test(token)) {
    throw new RpcError(
      "bad_request",
      `${what} ${JSON.stringify(printable(token, 40))} cannot be sent: a token is non-empty, without spaces or control characters`,
    );
  }
}

/**
 * The command text of a request, `handler method arg ...` joined by single spaces, without a
 * terminator: what a producer logs, and what `parseRequest` turns back into the same request.
 * @throws RpcError `bad_request` when a token is empty or holds a space or a control character,
 * since it would not come back as the same token.
 */
export function formatCommand(request: RpcRequest): string {
  checkToken(request.handler, "handler");
  checkToken(request.method, "method");
  request.args.forEach((arg, index) => checkToken(arg, `argument ${index + 1}`));
  return [request.handler, request.method, ...request.args].join(" ");
}

/** The bytes to send for a request: {@link formatCommand} and a `\n`. Throws as it does. */
export function formatRequest(request: RpcRequest): string {
  return formatCommand(request) + "\n";
}
