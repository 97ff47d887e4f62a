import type { Faker } from "@faker-js/faker";

/**
 * English sentences that carry sentiment. Lorem ipsum scores 0 with AFINN; these are short
 * reviews built from faker's English words, and every template has at least two adjectives or
 * adverbs, so most of them score (the tests hold the non-zero share above 40 %).
 */
const TEMPLATES: ReadonlyArray<(faker: Faker) => string> = [
  (f) => `the ${f.commerce.productName()} was ${f.word.adjective()} and ${f.word.adverb()} ${f.word.adjective()}`,
  (f) => `${f.person.firstName()} thinks the ${f.word.adjective()} ${f.word.noun()} is ${f.word.adverb()} ${f.word.adjective()}`,
  (f) => `what ${withArticle(f.word.adjective())} ${f.commerce.product()}, ${f.word.adverb()} ${f.word.adjective()} for the price`,
  (f) => `our ${f.word.adjective()} team ${f.word.adverb()} ${f.word.verb()}s the ${f.word.adjective()} ${f.word.noun()}`,
];

function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

/** One sentence, drawn from `faker` (so a seeded faker gives the same sentences). */
export function englishSentence(faker: Faker): string {
  const template = TEMPLATES[faker.number.int({ min: 0, max: TEMPLATES.length - 1 })]!;
  return template(faker).toLowerCase().replace(/[^a-z' ,-]/g, "").replace(/\s+/g, " ").trim();
}
