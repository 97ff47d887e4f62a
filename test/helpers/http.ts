// A plain node:http client for tests: one request, the status, headers and whole body.
import { request as httpRequest, type Agent } from "node:http";

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Sends `method path` (with `body`) to 127.0.0.1:`port`, on `agent` when given (keep-alive). */
export function send(port: number, method: string, path: string, body?: string, agent?: Agent): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
