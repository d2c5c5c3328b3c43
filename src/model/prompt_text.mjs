// @ts-check
// Prompt text as every part of Zoetrope reads it: the request checks and the prompt filter, the
// tokenizer, the MP4's provenance metadata, the history and share links. One function, so a word
// cannot read one way to a person and another way to a check.
//
// - Invisible characters are removed: Unicode's format characters (category Cf: zero-width
//   space and joiners, soft hyphen, word joiner, BOM, bidi embeddings, overrides and isolates,
//   tag characters…) and the other default-ignorable code points (variation selectors, Hangul
//   fillers, combining grapheme joiner…). Removed rather than refused: they turn up in innocent
//   pasted text (soft hyphens and zero-width spaces from web pages, a BOM from a file, ZWJ inside
//   emoji) where a refusal would point at something the person cannot see, and removing them
//   makes the checked word the word a person reads ("go\u200Bre" is "gore"). A bidi override
//   left in would also reorder how the history and the metadata show the prompt.
// - Then NFKC folds compatibility forms into the letters they stand for: full-width letters,
//   ligatures (ﬁ → fi), mathematical alphanumerics (𝐠𝐨𝐫𝐞 → gore), circled and superscript
//   letters. (NFKC itself never produces an invisible character; a test walks every code point.)
// - Runs of white space (new lines and tabs included) become one space, and the ends are trimmed:
//   a prompt is one line of words to the tokenizer, the filter and the MP4's comment alike.
//
// Plain JavaScript with JSDoc types, so that the command line (src/cli, plain Node) imports the
// same function as the app.

/** Format characters and every other code point Unicode says to draw as nothing. */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
const WHITE_SPACE_RUN = /\s+/gu;

/**
 * `text` without invisible characters, NFKC-normalised; white space is kept as it is (for notes
 * and other multi-line text).
 * @param {string} text
 * @returns {string}
 */
export function visibleText(text) {
  return text.replace(INVISIBLE, '').normalize('NFKC');
}

/**
 * The prompt every check, the tokenizer and the metadata see: visible characters only, NFKC,
 * white space collapsed to single spaces and trimmed. Idempotent.
 * @param {string} prompt
 * @returns {string}
 */
export function normalizePrompt(prompt) {
  return visibleText(prompt).replace(WHITE_SPACE_RUN, ' ').trim();
}
