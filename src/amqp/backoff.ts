/** Options of {@link backoff}, in seconds. */
export interface BackoffOptions {
  /** The first delay (default 0.1 s). */
  readonly initial?: number;
  /** No delay is longer (default 5 s): a broker that comes back is found within that. */
  readonly max?: number;
  /** Each delay is this times the one before (default 2). */
  readonly factor?: number;
  /** Each delay is shortened by up to this fraction at random (default 0.2), so that producers that lost the broker together do not all come back in the same instant. */
  readonly jitter?: number;
  /** The source of randomness (tests pass a fixed one). */
  readonly random?: () => number;
}

/**
 * The delays, in seconds, between reconnection attempts: exponential, capped, with jitter. An
 * endless iterator: the caller decides when to give up (never, for a producer).
 *
 * @example
 * const delays = backoff();
 * for (;;) {
 *   try { connection = yield* connectAmqp(url); break; }
 *   catch (error) { if (!(error instanceof BrokerUnreachableError)) throw error; }
 *   yield* sleep(delays.next().value);
 * }
 */
export function* backoff(options: BackoffOptions = {}): Generator<number, never, unknown> {
  const { initial = 0.1, max = 5, factor = 2, jitter = 0.2, random = Math.random } = options;
  if (!(initial > 0) || !(max >= initial) || !(factor >= 1) || !(jitter >= 0 && jitter < 1)) {
    throw new RangeError(`backoff: need 0 < initial <= max, factor >= 1, 0 <= jitter < 1; got ${JSON.stringify({ initial, max, factor, jitter })}`);
  }
  for (let delay = initial; ; delay = Math.min(max, delay * factor)) {
    yield delay * (1 - jitter * random());
  }
}
