/**
 * One HTTP request on the loop, with `node:http`: `yield* fetchText(url, …)` sends it and returns
 * the status and the whole body. The response callback and the body's events only resume the
 * waiting task (through `action`); halting the task destroys the request.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { action, type Operation } from "../loop/index.js";

/** A request that got no complete answer: refused, reset, timed out, or a body over the limit. */
export class HttpClientError extends Error {
  override readonly name = "HttpClientError";
  constructor(
    message: string,
    /** The system error code (`ECONNREFUSED`, …), `ETIMEDOUT`, or `ETOOLARGE`. */
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface FetchOptions {
  readonly method?: "GET" | "POST";
  readonly body?: string;
  /** Seconds for the whole exchange. */
  readonly timeout: number;
  /** Longest body accepted, in bytes. */
  readonly maxBytes?: number;
  /** A keep-alive agent, to reuse connections across requests (a load of many requests). */
  readonly agent?: Agent;
}

export function fetchText(url: URL, options: FetchOptions): Operation<HttpAnswer> {
  const { method = "GET", body, timeout, maxBytes = 16 * 1024 * 1024, agent } = options;
  const where = `${url.host}`;
  return action<HttpAnswer>(`${method} ${url.pathname} ${where}`, (resolve, reject) => {
    const request = httpRequest(url, { method, agent, headers: body === undefined ? {} : { "content-type": "text/plain; charset=utf-8" } }, (response) => {
      const chunks: Buffer[] = [];
      let total = 0;
      response.on("data", (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          request.destroy(new HttpClientError(`${where} sent a body longer than ${maxBytes} bytes`, "ETOOLARGE"));
          return;
        }
        chunks.push(chunk);
      });
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks, total).toString("utf8") });
      });
      response.on("error", fail);
    });
    function fail(error: NodeJS.ErrnoException): void {
      clearTimeout(timer);
      if (error instanceof HttpClientError) reject(error);
      else reject(new HttpClientError(`HTTP request to ${where} failed: ${error.code === "ECONNREFUSED" ? "connection refused" : error.message}`, error.code ?? "EUNKNOWN", { cause: error }));
    }
    const timer = setTimeout(() => request.destroy(new HttpClientError(`no answer from ${where} within ${timeout} s`, "ETIMEDOUT")), timeout * 1000);
    request.on("error", fail);
    request.end(body);
    return () => {
      clearTimeout(timer);
      request.destroy();
    };
  });
}
