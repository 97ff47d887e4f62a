// Shared by the benchmarks: stop a child process they started.
import type { ChildProcess } from "node:child_process";

/** SIGTERM, then SIGKILL after `killAfterMs`; resolves once the child has exited. */
export function stopChild(child: ChildProcess, killAfterMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
