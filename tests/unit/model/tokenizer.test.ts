import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TokenizerError, WordTokenizer } from '../../../src/model/tokenizer.ts';
import { SafetensorsFile } from '../../../src/model/weights.ts';

const tokenizer = WordTokenizer.fromJson(JSON.parse(readFileSync('models/tiny-test/tokenizer.json', 'utf8')));
const golden = SafetensorsFile.parse(new Uint8Array(readFileSync('tests/fixtures/goldens/text_encoder.safetensors')));
const goldenPrompt = JSON.parse(readFileSync('tests/fixtures/goldens/text_encoder.json', 'utf8')).prompt as string;

describe('WordTokenizer', () => {
  it('gives the ids the PyTorch goldens were made from', () => {
    const { ids, length } = tokenizer.encode(goldenPrompt, 16);
    expect(Array.from(ids)).toEqual(Array.from(golden.f32('input.ids')));
    expect(length).toBe(golden.f32('input.mask').reduce((a, b) => a + b, 0));
  });

  it('splits words from punctuation, lowercases, ends with [EOS] and pads', () => {
    expect(tokenizer.words('A RED ball, slowly!!')).toEqual(['a', 'red', 'ball', ',', 'slowly', '!!']);
    const { ids, length } = tokenizer.encode('red', 4);
    expect(length).toBe(2);
    expect(ids[1]).toBe(2); // [EOS]
    expect(Array.from(ids.slice(2))).toEqual([0, 0]); // [PAD]
  });

  it('reports unknown words instead of dropping them', () => {
    const { ids, unknown } = tokenizer.encode('a red zeppelin', 8);
    expect(unknown).toEqual(['zeppelin']);
    expect(ids[2]).toBe(1); // [UNK] keeps its place
  });

  it('truncates to text_len, keeping [EOS] last, and says so', () => {
    const { ids, length, truncated } = tokenizer.encode('red red red red red', 4);
    expect(length).toBe(4);
    expect(ids[3]).toBe(2);
    expect(truncated).toBe(true);
  });

  it('rejects a tokenizer.json it cannot use', () => {
    expect(() => WordTokenizer.fromJson({ model: { type: 'BPE' } })).toThrow(TokenizerError);
    expect(() => WordTokenizer.fromJson({ model: { type: 'WordLevel', vocab: { a: 0 } } })).toThrow('no [PAD]');
  });

  it('reads a word with an invisible character inside, or in a confusable form, as the plain word', () => {
    const plain = tokenizer.encode('a red ball', 8);
    for (let c = 0; c <= 0x10ffff; c++) {
      if ((c >= 0xd800 && c <= 0xdfff) || !/\p{Cf}/u.test(String.fromCodePoint(c))) continue;
      const disguised = `a r${String.fromCodePoint(c)}ed ball`;
      expect(tokenizer.words(disguised), `U+${c.toString(16)}`).toEqual(['a', 'red', 'ball']);
      expect(Array.from(tokenizer.encode(disguised, 8).ids)).toEqual(Array.from(plain.ids));
    }
    for (const form of ['a ｒｅｄ ball', 'a 𝐫𝐞𝐝 ball', 'a ⓡⓔⓓ ball', 'A RED\u00A0BALL', '\u202Ea red ball\u202C']) {
      expect(tokenizer.words(form), form).toEqual(['a', 'red', 'ball']);
    }
  }, 60_000); // walks every code point
});
