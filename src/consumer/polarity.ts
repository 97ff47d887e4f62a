// Sentence polarity (PROTOCOL §2): the `sentiment` package's AFINN-165 `comparative` score (the
// sum of word scores, each in −5..5, over the number of tokens) scaled to [-1, 1] and rounded to
// 4 decimals, exactly `String(Math.round(comparative / 5 * 10000) / 10000)`.

import Sentiment from "sentiment";

// One analyser for the process: it holds no per-call state.
const analyser = new Sentiment();

/** The polarity of `text` in [-1, 1], as the protocol prints it (`0`, `0.28`, `-0.2`, `0.1333`). */
export function polarity(text: string): string {
  const { comparative } = analyser.analyze(text);
  const value = Math.round((comparative / 5) * 10000) / 10000;
  // String(-0) is already "0"; the check says so to whoever changes the formula.
  return Object.is(value, -0) ? "0" : String(value);
}
