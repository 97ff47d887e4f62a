// Bounded polling: tests wait for a condition, never for a fixed time.

/** Resolves once `check()` is truthy; rejects after `timeoutMs` with `what` in the message. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
