// normalizePrompt: what every check, the tokenizer and the metadata read. Walks the whole code
// space, so a Unicode update that changes what NFKC or the invisible classes do shows up here.
import { describe, expect, it } from 'vitest';
import { normalizePrompt, visibleText } from '../../../src/model/prompt_text.mjs';

/** Every code point with `pattern` (surrogates left out: they are not characters). */
function codePointsWith(pattern: RegExp): number[] {
  const found: number[] = [];
  for (let c = 0; c <= 0x10ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (pattern.test(String.fromCodePoint(c))) found.push(c);
  }
  return found;
}

const FORMAT_CHARACTERS = codePointsWith(/\p{Cf}/u);

describe('normalizePrompt', () => {
  it('removes every format character (Unicode category Cf) from inside a word', () => {
    expect(FORMAT_CHARACTERS.length).toBeGreaterThan(150); // soft hyphen, ZWSP/ZWJ, bidi controls, BOM, tags…
    for (const c of FORMAT_CHARACTERS) {
      expect(normalizePrompt(`a re${String.fromCodePoint(c)}d ball`), `U+${c.toString(16)}`).toBe('a red ball');
    }
  }, 60_000); // walks every code point

  it('removes the other invisible characters too: variation selectors, Hangul fillers, the grapheme joiner', () => {
    expect(normalizePrompt('re\uFE0Fd re\u3164d re\u034Fd re\u115Fd')).toBe('red red red red');
  });

  it('folds compatibility forms: full-width, ligatures, mathematical letters, circled letters, superscripts', () => {
    expect(normalizePrompt('ｒｅｄ ﬁsh 𝐛𝐚𝐥𝐥 ⓑⓐⓛⓛ xᵇᵃˡˡ')).toBe('red fish ball ball xball');
  });

  it('makes one line: white space runs become one space, the ends are trimmed', () => {
    expect(normalizePrompt('  a red\tball\r\n\u2003bounces\u3000 ')).toBe('a red ball bounces');
    expect(visibleText('a\u200B\n b')).toBe('a\n b'); // visibleText keeps the lines
  });

  it('leaves plain text, accents and scripts as they are, and is idempotent', () => {
    for (const text of ['a red ball bounces', 'café crème', 'кошка 猫', 'שלום עולם', 'مرحبا']) {
      expect(normalizePrompt(text)).toBe(text);
    }
    for (const text of ['e\u0301', 'ﬃ\u200B', '\u202Eabc\u202C', '𝕏\uFE0F']) {
      expect(normalizePrompt(normalizePrompt(text))).toBe(normalizePrompt(text));
    }
  });

  it('no visible character turns into an invisible one under NFKC (so removing them first is enough)', () => {
    const invisible = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
    const makesInvisible = codePointsWith(/[^\p{Cf}\p{Default_Ignorable_Code_Point}]/u).filter((c) =>
      invisible.test(String.fromCodePoint(c).normalize('NFKC')),
    );
    expect(makesInvisible).toEqual([]);
  }, 60_000);
});
