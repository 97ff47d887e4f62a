import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { polarity } from "../../src/consumer/polarity.js";

// Worked by hand from AFINN-165: the score is the sum of the word scores (a word after a negator
// such as "not" counts with its sign flipped), comparative = score / number of tokens, and the
// reply is round(comparative / 5, 4 decimals).
describe("polarity", () => {
  it.each([
    ["I love cats", "0.2"], //               love +3; 3/3 = 1; 1/5
    ["This is bad", "-0.2"], //              bad −3; −3/3 = −1; −1/5
    ["good", "0.6"], //                      good +3; 3/1; 3/5
    ["Good!", "0.6"], //                     punctuation is not a token
    ["not good", "-0.3"], //                 negated: −3/2 = −1.5; −1.5/5
    ["I am happy and sad", "0.04"], //       happy +3, sad −2; 1/5 = 0.2; 0.2/5
    ["I like it", "0.1333"], //              like +2; 2/3; 0.13333… rounds to 4 decimals
    ["an amazing and good day", "0.28"], //  amazing +4, good +3; 7/5 = 1.4; 1.4/5
    ["superb", "1"], //                      +5/1: the top of the range
    ["catastrophic", "-0.8"], //             −4/1
    ["hello world", "0"], //                 no scored word
  ])("%j → %s", (sentence, expected) => {
    expect(polarity(sentence)).toBe(expected);
  });

  it("prints a tiny negative score as 0, never -0", () => {
    // −3 over 20,001 tokens: −0.00003 rounds to −0, which must print as "0".
    expect(polarity("bad " + "word ".repeat(20_000))).toBe("0");
  });

  it("stays in [-1, 1] with at most 4 decimals, whatever the words", () => {
    const word = fc.oneof(
      fc.constantFrom("superb", "outstanding", "love", "good", "bad", "hate", "catastrophic", "not", "don't", "the", "😀", "😡"),
      fc.string({ minLength: 1, maxLength: 8 }).filter((w) => !w.includes(" ")),
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 30 }), (words) => {
        const text = polarity(words.join(" "));
        expect(text).toMatch(/^-?[01](\.\d{1,4})?$/);
        expect(text).not.toBe("-0");
        expect(Math.abs(Number(text))).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
