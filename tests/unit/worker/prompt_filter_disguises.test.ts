// Every listed word of prompt_filter_words.json in disguise: each Unicode format character (the
// whole Cf category, enumerated from the running engine's Unicode data) inside it at every place,
// and its confusable forms that NFKC folds (full-width, ligatures, mathematical and circled
// letters). Each must still be refused, by the filter and by the request check every entry point
// runs.
import { describe, expect, it } from 'vitest';
import words from '../../../src/worker/prompt_filter_words.json';
import { findRefused, parseWordList } from '../../../src/worker/prompt_filter.mjs';
import { ANY_MODEL, requestProblems } from '../../../src/worker/request_check.mjs';
import lookalikes from '../../../src/worker/latin_lookalikes.json';
import tokenizer from '../../../models/zoetrope-s/tokenizer.json';
import { confusablesData, latinLookalikes } from '../../../scripts/latin_lookalikes.mjs';

const categories = parseWordList(words);

/** Every listed entry, with a prompt context that makes it refused: a "together" word needs a word of each other group. */
const LISTED: { entry: string; around: (disguised: string) => string }[] = categories.flatMap((category) => [
  ...category.words.map((w) => ({ entry: w.join(' '), around: (d: string) => `a ${d} scene` })),
  ...category.together.flatMap((group, g) => {
    const partners = category.together.filter((_, other) => other !== g).map((other) => other[0]!.join(' '));
    return group.map((w) => ({ entry: w.join(' '), around: (d: string) => `${d} ${partners.join(' ')}` }));
  }),
]);

const FORMAT_CHARACTERS: string[] = [];
for (let c = 0; c <= 0x10ffff; c++) {
  if ((c < 0xd800 || c > 0xdfff) && /\p{Cf}/u.test(String.fromCodePoint(c))) FORMAT_CHARACTERS.push(String.fromCodePoint(c));
}

const refused = (prompt: string) => findRefused(prompt).length > 0;
const hex = (text: string) => [...text].map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`).join(' ');

describe('listed words with a format character inside', () => {
  it('covers the whole Cf category and every listed word', () => {
    expect(FORMAT_CHARACTERS.length).toBeGreaterThan(150);
    expect(FORMAT_CHARACTERS).toEqual(expect.arrayContaining(['\u00AD', '\u200B', '\u200D', '\u2060', '\u202E', '\u2066', '\uFEFF', '\u{E0041}']));
    expect(LISTED.length).toBe(categories.reduce((n, c) => n + c.words.length + c.together.flat().length, 0));
  });

  it('are refused wherever the character goes inside the word', () => {
    const passed: string[] = [];
    for (const { entry, around } of LISTED) {
      expect(refused(around(entry)), entry).toBe(true);
      for (const cf of FORMAT_CHARACTERS) {
        for (let at = 1; at < entry.length; at++) {
          if (entry[at - 1] === ' ' || entry[at] === ' ') continue;
          const disguised = `${entry.slice(0, at)}${cf}${entry.slice(at)}`;
          if (!refused(around(disguised))) passed.push(`${entry} with ${hex(cf)} at ${at}`);
        }
      }
    }
    expect(passed).toEqual([]);
  }, 120_000); // ~50 000 prompts: about a second on an idle core

  it('are refused by the request check too, with the filter\'s code', () => {
    for (const cf of FORMAT_CHARACTERS) {
      const problems = requestProblems({ prompt: `a go${cf}re scene`, seed: 1, durationSeconds: 1, aspect: '1:1', shortSide: 64 }, ANY_MODEL);
      expect(problems.map((p) => p.code), hex(cf)).toEqual(['prompt-refused']);
    }
  }, 30_000);
});

/** Letters a-z mapped into a Unicode block that NFKC folds back to them. */
const letterBlock = (aLowercase: number) => (text: string) =>
  text.replace(/[a-z]/g, (ch) => String.fromCodePoint(aLowercase + ch.charCodeAt(0) - 97));

const CONFUSABLE_FORMS: [string, (text: string) => string][] = [
  ['full-width', letterBlock(0xff41)],
  ['full-width capitals', letterBlock(0xff21)],
  ['mathematical bold', letterBlock(0x1d41a)],
  ['mathematical double-struck', letterBlock(0x1d552)],
  ['mathematical monospace', letterBlock(0x1d68a)],
  ['mathematical sans-serif bold', letterBlock(0x1d5ee)],
  ['circled', letterBlock(0x24d0)],
  ['ligatures', (text) => text.replace(/ffi/g, '\uFB03').replace(/ffl/g, '\uFB04').replace(/ff/g, '\uFB00').replace(/fi/g, '\uFB01').replace(/fl/g, '\uFB02').replace(/st/g, '\uFB06')],
];

describe('confusable forms of listed words', () => {
  it.each(CONFUSABLE_FORMS)('%s are refused', (_, form) => {
    const passed = LISTED.filter(({ entry, around }) => !refused(around(form(entry)))).map(({ entry }) => `${entry} as ${form(entry)}`);
    expect(passed).toEqual([]);
  });

  it('the ligature form changes some listed words (so its test is not empty)', () => {
    const [, ligatures] = CONFUSABLE_FORMS.at(-1)!;
    expect(LISTED.filter(({ entry }) => ligatures(entry) !== entry).length).toBeGreaterThan(0);
  });
});

// Look-alike letters from other scripts and symbols (Unicode's confusables data, folded through
// src/worker/latin_lookalikes.json; scripts/latin_lookalikes.mjs builds it).
describe('listed words spelled with look-alike letters', () => {
  it.each([
    ['Cyrillic о and е', 'a g\u043Er\u0435 scene'],
    ['Greek omicron', 'a g\u03BFre scene'],
    ['IPA script g', 'a \u0261ore scene'],
    ['Cyrillic а and р', 'a r\u0430\u0440e scene'],
    ['a zero for o', 'a g0re scene'],
    ['digit one and pipe for i and l', 'a k1d naked'],
    ['Cyrillic letters throughout, a Cherokee capital first', 'a \u13A0\u0435\u0441\u0430\u0440\u0456t\u0430t\u0435d statue'],
    ['a Telugu vowel sign for o', 'a g\u0C02re scene'],
  ])('%s', (_, prompt) => {
    expect(findRefused(prompt).length, prompt).toBeGreaterThan(0);
  });

  it('every look-alike of every letter of every listed word, one letter at a time', () => {
    const byLetter = new Map<string, string[]>();
    for (const [ch, letters] of Object.entries(lookalikes as Record<string, string>)) {
      if (letters.length === 1) byLetter.set(letters, [...(byLetter.get(letters) ?? []), ch]);
    }
    expect(byLetter.get('o')).toEqual(expect.arrayContaining(['\u043E', '\u03BF', '0']));
    const passed: string[] = [];
    let tried = 0;
    for (const { entry, around } of LISTED) {
      for (let at = 0; at < entry.length; at++) {
        const letter = entry[at]!;
        for (const ch of byLetter.get(letter === 'i' ? 'l' : letter) ?? []) {
          tried++;
          const disguised = `${entry.slice(0, at)}${ch}${entry.slice(at + 1)}`;
          if (!refused(around(disguised))) passed.push(`${entry} as ${disguised} (${hex(ch)})`);
        }
      }
    }
    expect(tried).toBeGreaterThan(2000);
    expect(passed).toEqual([]);
  }, 60_000);

  it('the table is what scripts/latin_lookalikes.mjs makes from Unicode\'s data', () => {
    expect(lookalikes).toEqual(latinLookalikes(confusablesData()));
  });

  it('never refuses a word of the world the model knows, or plain text in other scripts', () => {
    const vocabulary = Object.keys((tokenizer as { model: { vocab: Record<string, number> } }).model.vocab).filter((w) => /^\p{L}+$/u.test(w));
    expect(vocabulary.length).toBeGreaterThan(50);
    expect(vocabulary.filter(refused)).toEqual([]);
    for (const prompt of ['Москва зимой, снег идёт', 'καλημέρα, ένα κόκκινο μήλο', 'a million lilies in a hill village', 'a k1te and a 0wl']) {
      expect(findRefused(prompt), prompt).toEqual([]);
    }
  });
});
