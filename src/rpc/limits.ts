// The protocol's default limits (PROTOCOL §1–§3). Times are in seconds, like the loop's API and
// the command-line options; convert at the one place that arms a Node timer.

/** Longest request accepted, in bytes, not counting its final `\n` or `\r\n` (64 KiB). */
export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

/** How long a client may take to send a complete request, from when it is served (seconds). */
export const DEFAULT_READ_TIMEOUT_SECONDS = 2;

/** Quiet that ends a request sent without a newline, after at least one byte (seconds). */
export const QUIET_SECONDS = 0.1;

/** Largest N that `fibonacci_generator calculate N` accepts by default. */
export const DEFAULT_MAX_FIB = 1_000_000;
/** The most any consumer's `--max-fib` allows, and so the largest N a producer may ask for: beyond it
 * V8's BigInt would not even hold F(N); long before, one request holds a consumer for minutes. */
export const MAX_FIB_LIMIT = 1_000_000_000;
/** Default bound on MS for `system sleep MS` (`--max-sleep-ms`). */
export const DEFAULT_MAX_SLEEP_MS = 10_000;

/** The limits a consumer enforces on one request. */
export interface RequestLimits {
  /** Longest request, in bytes, not counting its final `\n` or `\r\n`. */
  readonly maxRequestBytes: number;
  /** Time allowed for a complete request, in seconds. */
  readonly readTimeoutSeconds: number;
  /** Quiet that ends a request without a newline, in seconds. */
  readonly quietSeconds: number;
}

/** The limits of PROTOCOL §1 with their default values. */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
  readTimeoutSeconds: DEFAULT_READ_TIMEOUT_SECONDS,
  quietSeconds: QUIET_SECONDS,
};
