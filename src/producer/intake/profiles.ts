/**
 * Load profiles: when the client payload makes its tasks. Each profile is a pure function from
 * a task's index to the seconds to wait before the next one (`PayloadOptions.gap`), with
 * `--interval` as the mean gap: over a long enough stretch every profile makes one task per
 * `interval` on average (sine: over whole periods; ramp: over its length).
 *
 * Randomness (poisson only) does not come from the payload's faker but from a hash of
 * `(seed, index)`: the task stream for a seed is then the same whatever the profile, and a gap
 * depends on its index alone, so the functions stay pure and can be tested without the loop.
 *
 * The deterministic shapes (sine, ramp) are defined by their rate over time. Task k goes out
 * when the expected number of tasks since the start, Λ(t) = ∫ rate, reaches k; the gap after
 * task k is Λ⁻¹(k + 1) − Λ⁻¹(k). That keeps the mean exact instead of drifting with rounding.
 */

/** The profile names, as `--profile` takes them. */
export const PROFILE_NAMES = ["constant", "poisson", "burst", "sine", "ramp"] as const;

/** One of {@link PROFILE_NAMES}. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** A load profile with the parameters its shape needs. */
export type LoadProfile =
  | { readonly kind: "constant" }
  | { readonly kind: "poisson" }
  | { readonly kind: "burst"; readonly burstSize: number }
  | { readonly kind: "sine"; readonly period: number }
  | { readonly kind: "ramp"; readonly length: number };

/** One line of `--help` per profile. */
export const PROFILE_HELP: Readonly<Record<ProfileName, string>> = {
  constant: "one task every --interval seconds",
  poisson: "random arrivals: exponential gaps with mean --interval, drawn from --seed",
  burst: "--burst-size tasks back to back, then a pause of burst-size × interval",
  sine: "the rate swings from 0.2× to 1.8× the mean over --period seconds, starting at its slowest",
  ramp: "the rate climbs from 0.2× to 1.8× the mean over the run (--duration, or --tasks × --interval)",
};

/** The rate's lowest multiple of the mean rate, for sine and ramp. */
export const SLOWEST = 0.2;
/** The rate's highest multiple of the mean rate, for sine and ramp; (SLOWEST + FASTEST) / 2 = 1 keeps the mean. */
export const FASTEST = 1.8;

/** A profile's parameters are not usable (the message names the option to fix). */
export class ProfileError extends Error {
  override readonly name = "ProfileError";
}

/** What {@link loadProfile} may need from the command line. */
export interface ProfileParameters {
  readonly burstSize: number;
  readonly period: number;
  readonly interval: number;
  readonly duration: number | undefined;
  readonly tasks: number | undefined;
}

/**
 * The profile `name` with its parameters. Ramp's length is the run's expected length:
 * `--duration`, or `--tasks × --interval`, the shorter of the two when both are given.
 * @throws ProfileError when ramp has no length to ramp over.
 */
export function loadProfile(name: ProfileName, parameters: ProfileParameters): LoadProfile {
  switch (name) {
    case "constant":
    case "poisson":
      return { kind: name };
    case "burst":
      return { kind: "burst", burstSize: parameters.burstSize };
    case "sine":
      return { kind: "sine", period: parameters.period };
    case "ramp": {
      const { duration, tasks, interval } = parameters;
      const lengths = [duration, tasks === undefined ? undefined : tasks * interval].filter((n): n is number => n !== undefined);
      if (lengths.length === 0) throw new ProfileError("--profile ramp needs --duration or --tasks: the ramp spans the run");
      return { kind: "ramp", length: Math.min(...lengths) };
    }
  }
}

/** Seconds to wait after task `index` (0 for the first) before making the next one. */
export type GapFunction = (index: number) => number;

/**
 * The gap function of `profile` with mean gap `interval` seconds.
 *
 * @example
 * const gap = gapFunction({ kind: "poisson" }, 0.5, 42);
 * gap(0); // the same number for seed 42, every time
 */
export function gapFunction(profile: LoadProfile, interval: number, seed: number): GapFunction {
  if (interval <= 0) return () => 0;
  switch (profile.kind) {
    case "constant":
      return () => interval;
    case "poisson":
      // Inverse transform: 1 − u is in (0, 1], so the logarithm is finite.
      return (index) => -Math.log(1 - uniform(seed, index)) * interval;
    case "burst": {
      const size = profile.burstSize;
      return (index) => ((index + 1) % size === 0 ? size * interval : 0);
    }
    case "sine":
      return fromArrivalTimes(sineArrival(profile.period, interval));
    case "ramp":
      return fromArrivalTimes(rampArrival(profile.length, interval));
  }
}

/** The rate at `seconds` into the run, in tasks per second: what the profile aims at. */
export function profileRate(profile: LoadProfile, interval: number, seconds: number): number {
  const mean = interval > 0 ? 1 / interval : Infinity;
  switch (profile.kind) {
    case "sine":
      return mean * sineFactor(seconds, profile.period);
    case "ramp":
      return mean * (seconds >= profile.length ? FASTEST : SLOWEST + ((FASTEST - SLOWEST) * seconds) / profile.length);
    default:
      return mean;
  }
}

/** The time of arrival `k` (0 for the first task, at time 0), in seconds. */
type ArrivalTime = (k: number) => number;

function fromArrivalTimes(arrival: ArrivalTime): GapFunction {
  return (index) => Math.max(0, arrival(index + 1) - arrival(index));
}

const AMPLITUDE = (FASTEST - SLOWEST) / 2;

/** rate / mean rate: 1 − A·cos(2πt/P), from SLOWEST at t = 0 up to FASTEST at P/2. */
function sineFactor(seconds: number, period: number): number {
  return 1 - AMPLITUDE * Math.cos((2 * Math.PI * seconds) / period);
}

function sineArrival(period: number, interval: number): ArrivalTime {
  const omega = (2 * Math.PI) / period;
  // Λ(t)·interval = t − A·sin(ωt)/ω: increasing (A < 1), and within A/ω of t.
  const expected = (t: number): number => t - (AMPLITUDE * Math.sin(omega * t)) / omega;
  return (k) => {
    const target = k * interval;
    const slack = AMPLITUDE / omega;
    return bisect(expected, target, Math.max(0, target - slack), target + slack);
  };
}

function rampArrival(length: number, interval: number): ArrivalTime {
  // Λ(t)·interval = SLOWEST·t + (FASTEST − SLOWEST)·t²/(2·length) up to `length`, where it equals
  // `length`; after that the rate stays at FASTEST.
  const a = (FASTEST - SLOWEST) / (2 * length);
  return (k) => {
    const target = k * interval;
    if (target >= length) return length + (target - length) / FASTEST;
    // The root of a·t² + SLOWEST·t − target = 0, in the form that does not cancel.
    return (2 * target) / (SLOWEST + Math.sqrt(SLOWEST * SLOWEST + 4 * a * target));
  };
}

/** The t in [low, high] with increasing `f(t) = target`, to double precision. */
function bisect(f: (t: number) => number, target: number, low: number, high: number): number {
  for (let i = 0; i < 100 && high - low > 1e-12 * Math.max(1, high); i++) {
    const middle = (low + high) / 2;
    if (f(middle) < target) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** A uniform number in (0, 1) from `(seed, index)`: a stateless, seeded random stream. */
export function uniform(seed: number, index: number): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  const key = mix32(mix32(low ^ 0x9e3779b9) ^ mix32(high + 0x7f4a7c15));
  return (mix32(key + Math.imul(index >>> 0, 0x9e3779b9)) + 0.5) / 2 ** 32;
}

/** A 32-bit integer hash with good avalanche (Chris Wellons' "lowbias32"). */
function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d);
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The profile in a few words, for people: `sine, period 20 s`. */
export function describeProfile(profile: LoadProfile): string {
  switch (profile.kind) {
    case "constant":
    case "poisson":
      return profile.kind;
    case "burst":
      return `burst of ${profile.burstSize}`;
    case "sine":
      return `sine, period ${profile.period} s`;
    case "ramp":
      return `ramp over ${profile.length} s`;
  }
}
