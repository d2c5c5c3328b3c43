// The word-level tokenizer of our models, read from an HF-format tokenizer.json (WordLevel model,
// Lowercase normalizer, Whitespace pre-tokenizer, [EOS] appended). Words outside the vocabulary
// become [UNK] and are reported, never dropped silently. Its twin is models/train/make_tiny.py's
// `tokenize`; both split text into runs of word characters and runs of punctuation. Text is first
// read as a person sees it (normalizePrompt: invisible characters removed, NFKC), so "go\u200Bre"
// and "ｇｏｒｅ" are the one token "gore", as the prompt filter reads them. Captions the models learn
// from are plain text, which normalizePrompt leaves as it is, so the Python twin needs no change.
import { normalizePrompt } from './prompt_text.mjs';

export interface Tokenized {
  /** text_len ids: the prompt's tokens, [EOS], then [PAD]. */
  ids: Uint32Array;
  /** Tokens before padding ([EOS] included): the text encoder's valid keys. */
  length: number;
  /** Words the vocabulary lacks, in order of appearance (each becomes [UNK]). */
  unknown: string[];
  /** Whether words were cut to fit text_len. */
  truncated: boolean;
}

export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';
}

// Python's \w is Unicode-aware; JavaScript's is not, so spell it out with Unicode classes.
const WORDS = /[\p{L}\p{N}\p{M}_]+|[^\p{L}\p{N}\p{M}_\s]+/gu;

export class WordTokenizer {
  private constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly pad: number,
    private readonly unk: number,
    private readonly eos: number,
  ) {}

  static fromJson(json: unknown): WordTokenizer {
    const model = (json as { model?: { type?: string; vocab?: Record<string, number> } })?.model;
    if (model?.type !== 'WordLevel' || typeof model.vocab !== 'object') {
      throw new TokenizerError('tokenizer.json: expected a WordLevel model with a vocabulary');
    }
    const vocab = new Map(Object.entries(model.vocab));
    const special = (token: string) => {
      const id = vocab.get(token);
      if (id === undefined) throw new TokenizerError(`tokenizer.json: the vocabulary has no ${token}`);
      return id;
    };
    return new WordTokenizer(vocab, special('[PAD]'), special('[UNK]'), special('[EOS]'));
  }

  /** The words of `text` as the model sees them (lowercased, split). */
  words(text: string): string[] {
    return normalizePrompt(text).toLowerCase().match(WORDS) ?? [];
  }

  encode(text: string, textLen: number): Tokenized {
    const words = this.words(text);
    const unknown = words.filter((w) => !this.vocab.has(w));
    const kept = words.slice(0, textLen - 1);
    const ids = new Uint32Array(textLen).fill(this.pad);
    kept.forEach((word, i) => (ids[i] = this.vocab.get(word) ?? this.unk));
    ids[kept.length] = this.eos;
    return { ids, length: kept.length + 1, unknown, truncated: kept.length < words.length };
  }
}
