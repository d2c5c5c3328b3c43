// umT5's tokenizer (Wan 2.1's text encoder: google/umt5-xxl, SentencePiece unigram) from the
// published tokenizer.json, through Hugging Face's own JavaScript tokenizer library
// (@huggingface/tokenizers: the normalizer, Metaspace pre-tokenizer, unigram model and the
// "$A </s>" template exactly as the file describes them), not a tokenizer of our own.
//
// Around it, what Wan's text pipeline does: the prompt is cleaned (HTML entities decoded, runs of
// whitespace collapsed, ends trimmed), encoded with </s> appended, cut to text_len keeping the
// </s>, and padded with <pad> (id 0); the mask marks the real tokens.
import { Tokenizer } from '@huggingface/tokenizers';

export interface Umt5Tokens {
  /** text_len ids: the prompt's tokens, </s>, then <pad>. */
  ids: Uint32Array;
  /** Real tokens (</s> included): the encoder's key padding mask is 1 on these. */
  length: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** HTML entities decoded (named ones common in captions, and numeric ones), as Wan's html.unescape. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return ENTITIES[body.toLowerCase()] ?? entity;
  });
}

/** Wan's prompt cleaning: entities decoded (twice, as upstream), whitespace collapsed, trimmed. */
export function cleanPrompt(text: string): string {
  return unescapeHtml(unescapeHtml(text)).replace(/\s+/g, ' ').trim();
}

export class Umt5Tokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly eosId: number;
  private readonly padId: number;

  /** From the parsed tokenizer.json (and tokenizer_config.json, if published beside it). */
  constructor(tokenizerJson: object, tokenizerConfig: object = {}) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    const ids = (token: string) => {
      const [id] = this.tokenizer.encode(token, { add_special_tokens: false }).ids;
      if (id === undefined) throw new Error(`tokenizer.json has no ${token} token`);
      return id;
    };
    this.eosId = ids('</s>');
    this.padId = ids('<pad>');
  }

  encode(prompt: string, textLen: number): Umt5Tokens {
    const encoded = this.tokenizer.encode(cleanPrompt(prompt)).ids;
    // Cut before the template's </s> would be lost: keep textLen − 1 tokens and the </s>.
    const tokens = encoded.length > textLen ? [...encoded.slice(0, textLen - 1), this.eosId] : encoded;
    const ids = new Uint32Array(textLen).fill(this.padId);
    ids.set(tokens);
    return { ids, length: tokens.length };
  }
}
