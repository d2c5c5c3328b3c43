// The prompt as the model reads it, for underlining the words it does not know. Split the way
// the tokenizer splits (src/model/tokenizer.ts: runs of word characters, runs of punctuation),
// but keeping the original text and spacing so the marks line up with what was typed.

export interface PromptPiece {
  text: string;
  /** A word (or punctuation run) the model's vocabulary lacks. */
  unknown: boolean;
}

const TOKENS = /[\p{L}\p{N}\p{M}_]+|[^\p{L}\p{N}\p{M}_\s]+/gu;

/** `prompt` cut into pieces, each unknown token (compared lowercased, as the tokenizer does) marked. */
export function markUnknownWords(prompt: string, unknownWords: readonly string[]): PromptPiece[] {
  const unknown = new Set(unknownWords.map((w) => w.toLowerCase()));
  const pieces: PromptPiece[] = [];
  let plain = '';
  let last = 0;
  for (const match of prompt.matchAll(TOKENS)) {
    const start = match.index;
    if (!unknown.has(match[0].toLowerCase())) continue;
    plain += prompt.slice(last, start);
    if (plain) pieces.push({ text: plain, unknown: false });
    pieces.push({ text: match[0], unknown: true });
    plain = '';
    last = start + match[0].length;
  }
  plain += prompt.slice(last);
  if (plain) pieces.push({ text: plain, unknown: false });
  return pieces;
}

/** "sunset, sky" → the hint under the prompt box. */
export function unknownWordsHint(unknownWords: readonly string[]): string {
  const distinct = [...new Set(unknownWords.map((w) => w.toLowerCase()))];
  if (distinct.length === 0) return '';
  const list = distinct.map((w) => `“${w}”`).join(', ');
  return `The model does not know ${list}: ${distinct.length === 1 ? 'it is' : 'they are'} read as “unknown” and barely steer the clip. Try words from the examples.`;
}
