// Test helper: runs a root task on the loop and resolves with its outcome (tests may use Promises).
import { run, type Operation, type Outcome } from "../../src/loop/index.js";

export function runLoop<T>(body: () => Operation<T>): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    run(body, resolve);
  });
}

/** Runs the body and returns its value, or rejects with its error. */
export async function runValue<T>(body: () => Operation<T>): Promise<T> {
  const outcome = await runLoop(body);
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}
