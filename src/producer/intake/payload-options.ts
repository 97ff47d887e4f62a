/**
 * The simulated payload's command-line options (PROTOCOL §4), declared once on the CLI kit: the
 * producer runs the payload inside, and the client (`run_rpc_client.sh --load`) sends the same
 * payload through a front door as an outside load — with the same options, the same tasks.
 */
import { UsageError, decimal, integer, oneOf, option, seconds, twoColumns, type OptionValues } from "../../cli/index.js";
import { MAX_FIB_LIMIT } from "../../rpc/index.js";
import type { PayloadOptions } from "./payload.js";
import { gapFunction, loadProfile, PROFILE_HELP, PROFILE_NAMES, ProfileError, type LoadProfile } from "./profiles.js";

// Gaps between tasks are at most 5 × --interval (sine, ramp) or --burst-size × --interval (burst):
// these bounds keep every gap within what a timer holds.
const MAX_INTERVAL_SECONDS = 3600;
const MAX_BURST_SIZE = 500;

export const PAYLOAD_OPTIONS = {
  interval: option(seconds({ zero: "as fast as the queue takes them", max: MAX_INTERVAL_SECONDS, beyond: "refuse" }), {
    help: "mean time between two tasks the payload makes",
    default: 0.5,
  }),
  profile: option(oneOf(PROFILE_NAMES), { help: 'how tasks spread over time; see "Load profiles" below', placeholder: "NAME", default: "constant" }),
  "burst-size": option(integer(1, MAX_BURST_SIZE), { help: "tasks per burst of --profile burst", default: 10 }),
  period: option(seconds({ beyond: "refuse" }), { help: "length of one swing of --profile sine", default: 20 }),
  "fib-share": option(decimal(0, 1, "P"), { help: "probability that a task is fibonacci_generator calculate N; else neural_analyzer polarity", default: 0.5 }),
  "fib-min": option(integer(0, MAX_FIB_LIMIT), { help: "smallest N for fibonacci tasks", default: 100 }),
  "fib-max": option(integer(0, MAX_FIB_LIMIT), { help: "largest N for fibonacci tasks (N is uniform in fib-min..fib-max)", default: 10_000 }),
  "sleep-ms": option(integer(0, 10_000, "MS"), { help: "make every task system sleep MS instead (a wait that uses no CPU)" }),
  seed: option(integer(0, 2 ** 32 - 1), { help: "seed of the task stream: the same seed gives the same tasks", default: 0 }),
  tasks: option(integer(1, 1_000_000_000), { help: "make N tasks, wait until each is final, print the summary and exit" }),
  duration: option(seconds({ beyond: "refuse" }), { help: "make tasks for this long, then the same (with --tasks: whichever ends first)" }),
};

/** The `--help` text on load profiles. */
export const PROFILES_HELP = `Load profiles (--profile), each with --interval as the mean gap between tasks:
${twoColumns(PROFILE_NAMES.map((name) => [name, PROFILE_HELP[name]]))}`;

/** What the payload options give: the payload's options (its gaps included) and the profile. */
export interface PayloadSettings {
  readonly payload: PayloadOptions & { readonly duration: number | undefined };
  readonly profile: LoadProfile;
}

/** Reads the payload's options. @throws UsageError for values that only make sense together. */
export function payloadSettings(values: OptionValues<typeof PAYLOAD_OPTIONS>): PayloadSettings {
  const fibMin = values["fib-min"];
  const fibMax = values["fib-max"];
  if (fibMin > fibMax) throw new UsageError(`--fib-min ${fibMin} is larger than --fib-max ${fibMax}`);
  const { interval, tasks, duration, seed } = values;
  let profile;
  try {
    profile = loadProfile(values.profile, { burstSize: values["burst-size"], period: values.period, interval, duration, tasks });
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const payload = { interval, fibShare: values["fib-share"], fibMin, fibMax, seed, sleepMs: values["sleep-ms"], tasks, duration, gap: gapFunction(profile, interval, seed) };
  return { payload, profile };
}
