import { formatCommand } from "../../rpc/index.js";

/** The handlers the simulated clients call (PROTOCOL §2). */
export type TaskKind =
  | { readonly handler: "fibonacci_generator"; readonly method: "calculate" }
  | { readonly handler: "neural_analyzer"; readonly method: "polarity" };

/**
 * One request a simulated client makes: which handler and method to call, with what value.
 * `command` is the request line's text, `fibonacci_generator calculate 500`.
 */
export interface RpcTask {
  readonly id: number;
  readonly handler: string;
  readonly method: string;
  /** The argument text: `500`, or a sentence. */
  readonly value: string;
  readonly command: string;
}

export function makeTask(id: number, handler: string, method: string, value: string): RpcTask {
  const args = value.split(" ").filter((word) => word.length > 0);
  return { id, handler, method, value, command: formatCommand({ handler, method, args }) };
}
