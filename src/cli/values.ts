// How an option's value is read and shown: each type states its range, so `--help` and the
// error line say the same thing, and nothing outside the range gets past the command line.

/** The longest time a Node timer holds is 2³¹−1 ms; longer ones fire after 1 ms. Whole seconds, to keep `× 1000` exact. */
export const MAX_TIMER_SECONDS = 2_147_483;

/** A value outside its type's range; `rule` says what is allowed (`must be an integer from 0 to 9`). */
export class ValueError extends Error {
  override readonly name = "ValueError";
  constructor(readonly rule: string) {
    super(rule);
  }
}

/** How a value is read from text, named in `--help`, and shown as a default. */
export interface ValueType<T> {
  /** What the value looks like in `--help`: `N`, `SECONDS`, `text|json`. */
  readonly placeholder: string;
  /** The range for `--help` (`0 to 1000`), when the placeholder does not say it all. */
  readonly range: string | undefined;
  /** @throws ValueError when `text` is not a value of this type. */
  read(text: string): T;
  show(value: T): string;
}

const DIGITS = /^[0-9]+$/;
const DECIMAL = /^([0-9]+\.?[0-9]*|\.[0-9]+)$/;

/** A number written as `pattern` allows, from `min` to `max`. */
function numberIn(pattern: RegExp, what: string, min: number, max: number, placeholder: string): ValueType<number> {
  const rule = `must be ${what} from ${min} to ${max}`;
  return {
    placeholder,
    range: `${min} to ${max}`,
    read(text) {
      const value = pattern.test(text) ? Number(text) : Number.NaN;
      if (!(value >= min && value <= max)) throw new ValueError(rule);
      return value;
    },
    show: String,
  };
}

/** An integer from `min` to `max`, written in ASCII digits only (no sign, point, exponent or `0x`). */
export function integer(min: number, max: number, placeholder = "N"): ValueType<number> {
  if (min < 0 || !Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw new RangeError(`integer(${min}, ${max}): digits only, safe integers`);
  return numberIn(DIGITS, "an integer", min, max, placeholder);
}

/** A decimal number from `min` to `max` (`0.5`, `.25`, `1`); no sign or exponent. */
export function decimal(min: number, max: number, placeholder = "X"): ValueType<number> {
  return numberIn(DECIMAL, "a number", min, max, placeholder);
}

/** What {@link seconds} does with a time no Node timer can hold. */
export type BeyondTimers = "refuse" | "never";

/**
 * A time in seconds (`2`, `0.5`), at most `max` (default and limit: {@link MAX_TIMER_SECONDS},
 * 24.8 days; beyond it a Node timer fires at once). Where a longer wait means "never" (a timeout),
 * `beyond: "never"` takes a longer time as the longest one, which is never in practice; else it is
 * refused. `zero`, when 0 is allowed, says what 0 means.
 */
export function seconds(options: { readonly zero?: string; readonly max?: number; readonly beyond: BeyondTimers }): ValueType<number> {
  const { zero, beyond } = options;
  const max = Math.min(options.max ?? MAX_TIMER_SECONDS, MAX_TIMER_SECONDS);
  const least = zero === undefined ? "above 0" : "0 or more";
  const why = max === MAX_TIMER_SECONDS ? " (24.8 days, the longest a timer holds)" : "";
  const low = zero === undefined ? "above 0" : `0 (${zero})`;
  return {
    placeholder: "SECONDS",
    range: beyond === "refuse" ? `${low}, at most ${max}` : `${low}, and more than ${max}${max === MAX_TIMER_SECONDS ? " (24.8 days)" : ""} means never`,
    read(text) {
      const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
      if (!(zero === undefined ? value > 0 : value >= 0)) {
        throw new ValueError(beyond === "refuse" ? `must be a number of seconds ${least} and at most ${max}` : `must be a number of seconds ${least}`);
      }
      if (value <= max) return value;
      if (beyond === "never") return max;
      throw new ValueError(`must be a number of seconds ${least} and at most ${max}${why}`);
    },
    show: String,
  };
}

/** One of a fixed set of words (`text|json`). */
export function oneOf<const W extends string>(words: readonly W[]): ValueType<W> {
  const rule = words.length === 2 ? `must be ${words[0]} or ${words[1]}` : `must be one of ${words.join(", ")}`;
  return {
    placeholder: words.join("|"),
    range: undefined,
    read(text) {
      const word = words.find((known) => known === text);
      if (word === undefined) throw new ValueError(rule);
      return word;
    },
    show: String,
  };
}

/** Free text that must not be empty (a host name, a file name). */
export function text(placeholder: string): ValueType<string> {
  return {
    placeholder,
    range: undefined,
    read(value) {
      if (value.trim() === "") throw new ValueError("must not be empty");
      return value;
    },
    show: String,
  };
}
