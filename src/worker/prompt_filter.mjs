// @ts-check
// Refusing clearly unsafe prompts before any work starts, from a short word list kept as data
// (prompt_filter_words.json) so it can be read and edited without touching code.
//
// Matching is on whole words, so "therapist", "grapes" or "Essex" never match "rape" or "sex"
// (the Scunthorpe problem of substring filters), with simple inflections of each listed base form
// (suffixes below; a final "e" may drop before a vowel suffix: rape → raping, rapist). The prompt
// is first read as a person sees it (normalizePrompt: invisible characters removed, NFKC, so
// "go\u200Bre", "ｇｏｒｅ" and "𝐠𝐨𝐫𝐞" are "gore"); then case and accents are ignored, and letters
// spelled out one by one with punctuation or spaces between them ("g.o.r.e", "g o r e") are
// joined back into a word. Each word is also read with look-alike letters folded to the Latin
// ones they imitate (Unicode's confusables data, latin_lookalikes.json: Cyrillic "gоre", Greek
// "gοre", IPA "ɡore", "g0re", "k1ll"), with i and l taken as one letter, since "1", "|" and "I"
// stand for either. It is a floor, not a classifier: misspellings, other digits for letters and
// paraphrase get through, and the model itself decides what it draws.
//
// Plain JavaScript with JSDoc types, so the command line refuses a prompt before it builds or
// launches anything, with the same words as the app.
import { normalizePrompt } from '../model/prompt_text.mjs';
import lookalikes from './latin_lookalikes.json' with { type: 'json' };
import wordList from './prompt_filter_words.json' with { type: 'json' };

/** @type {Record<string, string>} */
const LATIN_LOOKALIKES = lookalikes;

/**
 * @typedef {object} FilterCategory
 * @property {string} name
 * @property {string[][]} words Each entry a sequence of base words (a phrase has several).
 * @property {string[][][]} together Groups of entries; the category also matches when every group has an entry in the prompt (none: no such rule).
 */

/**
 * @typedef {object} FilterHit
 * @property {string} category
 * @property {string[]} words The listed entries that matched, as written in the list.
 */

const SUFFIXES = ['', 's', 'es', 'd', 'ed', 'ing', 'er', 'ers', 'ist', 'ists', 'ion', 'ions', 'ity', 'ment', 'ments', 'y'];
const VOWEL_SUFFIXES = SUFFIXES.filter((s) => /^[aeiouy]/.test(s));

/**
 * Whether `token` is `base` or a simple inflection of it.
 * @param {string} token
 * @param {string} base
 */
export function inflects(token, base) {
  if (token === base) return true;
  if (token.startsWith(base) && SUFFIXES.includes(token.slice(base.length))) return true;
  // rape → raped, raping, rapist; mutilate → mutilation; but "rap" + "s" is not "rapes".
  if (base.endsWith('e')) {
    const stem = base.slice(0, -1);
    return token.startsWith(stem) && VOWEL_SUFFIXES.includes(token.slice(stem.length));
  }
  return false;
}

/**
 * Text as the look-alike reading sees it: every character that imitates a Latin letter is that
 * letter, then accents removed, lower case, and l taken as i. Look-alikes are folded before NFKC
 * (which turns some into other things: "ẚ" into "aʾ") and again after it (which turns others
 * into look-alikes: full-width "￨" into "│"), and before accents go (some look-alikes are marks:
 * Telugu "ం" is an o). A character is looked up as it is, then in lower case (Cherokee capitals
 * look like Latin letters, their small letters do not).
 * @param {string} text
 */
export function latinSkeleton(text) {
  /** @param {string} t */
  const fold = (t) => [...t].map((ch) => LATIN_LOOKALIKES[ch] ?? LATIN_LOOKALIKES[ch.toLowerCase()] ?? ch).join('');
  return withoutAccents(fold(normalizePrompt(fold(text)))).toLowerCase().replace(/l/g, 'i');
}

/** @type {Map<string, string>} */
const LISTED_SKELETONS = new Map();
/** @param {string} word a listed word: computed once */
function listedSkeleton(word) {
  let skeleton = LISTED_SKELETONS.get(word);
  if (skeleton === undefined) LISTED_SKELETONS.set(word, (skeleton = latinSkeleton(word)));
  return skeleton;
}

/**
 * Lowercase words of `text`, accents removed, plus the words spelled out letter by letter in it.
 * @param {string} text
 * @returns {{ words: string[], spelled: string[] }}
 */
export function promptWords(text) {
  return wordsOf(splitWords(withoutAccents(text).toLowerCase()));
}

/** @param {string} text */
const withoutAccents = (text) => normalizePrompt(text).normalize('NFKD').replace(/\p{M}/gu, '');
/** @param {string} text */
const splitWords = (text) => text.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');

/**
 * The prompt's words read as typed, and read with look-alikes folded (see latinSkeleton). Two
 * readings rather than one, because some look-alikes are also separators ("g|o|r|e").
 * @param {string} text
 * @returns {{ words: string[], spelled: string[], skeleton: boolean }[]}
 */
function promptReadings(text) {
  const typed = promptWords(text);
  const folded = wordsOf(splitWords(latinSkeleton(text)));
  return [{ ...typed, skeleton: false }, { ...folded, skeleton: true }];
}

/**
 * @param {string[]} words
 * @returns {{ words: string[], spelled: string[] }}
 */
function wordsOf(words) {
  /** @type {string[]} */
  const spelled = [];
  // A run of one-letter words ("a g.o.r.e scene" → a, g, o, r, e): every stretch of 3+ of them,
  // since the run may start with a real one-letter word such as "a".
  let runStart = 0;
  for (let i = 0; i <= words.length; i++) {
    if (i < words.length && /** @type {string} */ (words[i]).length === 1) continue;
    for (let from = runStart; from <= i - 3; from++) {
      for (let to = from + 3; to <= i; to++) spelled.push(words.slice(from, to).join(''));
    }
    runStart = i + 1;
  }
  return { words, spelled };
}

/**
 * @param {string[]} words
 * @param {string[]} phrase
 */
function containsPhrase(words, phrase) {
  for (let i = 0; i + phrase.length <= words.length; i++) {
    if (phrase.every((base, k) => inflects(/** @type {string} */ (words[i + k]), base))) return true;
  }
  return false;
}

/**
 * Every category the prompt falls in, with the listed entries it matched.
 * @param {string} prompt
 * @param {readonly FilterCategory[]} [categories]
 * @returns {FilterHit[]}
 */
export function findRefused(prompt, categories = DEFAULT_CATEGORIES) {
  const readings = promptReadings(prompt);
  /** @param {string[]} listed */
  const has = (listed) =>
    readings.some(({ words, spelled, skeleton }) => {
      const phrase = skeleton ? listed.map(listedSkeleton) : listed;
      return containsPhrase(words, phrase) || (phrase.length === 1 && spelled.some((w) => inflects(w, /** @type {string} */ (phrase[0]))));
    });
  /** @type {FilterHit[]} */
  const hits = [];
  for (const category of categories) {
    const matched = category.words.filter(has).map((p) => p.join(' '));
    // A listed word already says why; the combination is only needed when none matched.
    if (matched.length === 0 && category.together.length > 0) {
      const found = category.together.map((group) => group.find(has));
      if (found.every((p) => p !== undefined)) matched.push(found.map((p) => /** @type {string[]} */ (p).join(' ')).join(' + '));
    }
    if (matched.length > 0) hits.push({ category: category.name, words: matched });
  }
  return hits;
}

/**
 * Why the prompt is refused, naming what matched; null when it is not on the list.
 * @param {string} prompt
 * @returns {string | null}
 */
export function refusalMessage(prompt) {
  const hits = findRefused(prompt);
  if (hits.length === 0) return null;
  const named = hits.map((h) => `${h.category} (${h.words.map((w) => `"${w}"`).join(', ')})`).join('; ');
  return (
    `This prompt was refused: it asks for ${named}. Zoetrope does not make such clips. ` +
    'Matching words come from an editable list (src/worker/prompt_filter_words.json).'
  );
}

/**
 * The list as data, checked: lowercase letters and spaces only, so a bad edit fails loudly.
 * @param {unknown} json
 * @returns {FilterCategory[]}
 */
export function parseWordList(json) {
  /** @param {string} why @returns {never} */
  const fail = (why) => {
    throw new Error(`prompt_filter_words.json: ${why}`);
  };
  /** @param {unknown} value @returns {string[]} */
  const entry = (value) => {
    if (typeof value !== 'string' || !/^[\p{Ll}\p{N}]+( [\p{Ll}\p{N}]+)*$/u.test(value)) {
      fail(`${JSON.stringify(value)} is not lowercase words separated by single spaces`);
    }
    return /** @type {string} */ (value).split(' ');
  };
  const categories = /** @type {{ categories?: unknown }} */ (json).categories;
  if (!Array.isArray(categories)) return fail('no "categories" list');
  return categories.map((/** @type {{ name?: unknown, words?: unknown, together?: unknown }} */ c) => {
    if (typeof c.name !== 'string') return fail('a category has no name');
    const words = Array.isArray(c.words) ? c.words.map(entry) : [];
    if (c.together !== undefined && !(Array.isArray(c.together) && c.together.every(Array.isArray))) {
      return fail(`"together" of ${c.name} is not a list of word lists`);
    }
    const together = /** @type {unknown[][]} */ (c.together ?? []).map((group) => group.map(entry));
    return { name: c.name, words, together };
  });
}

const DEFAULT_CATEGORIES = parseWordList(wordList);
