// umT5's tokenizer from a tokenizer.json in the published format (tests/fixtures/umt5_tokenizer: a
// small unigram vocabulary in google/umt5-xxl's structure — Metaspace, "$A </s>", <pad>/</s>/<unk>
// at 0/1/2; NFKC stands in for the published Precompiled normalizer's binary table) through
// @huggingface/tokenizers, with Wan's cleaning, cutting and padding around it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanPrompt, Umt5Tokenizer } from '../../../src/model/umt5_tokenizer.ts';

const read = (name: string) => JSON.parse(readFileSync(`tests/fixtures/umt5_tokenizer/${name}`, 'utf8')) as object;
const tokenizer = new Umt5Tokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
const vocab = (read('tokenizer.json') as { model: { vocab: [string, number][] } }).model.vocab.map(([piece]) => piece);
const id = (piece: string) => vocab.indexOf(piece);

describe('Umt5Tokenizer', () => {
  it("segments by the unigram model's best path and appends </s>, padding with <pad>", () => {
    const { ids, length } = tokenizer.encode('a red ball', 8);
    // "▁red" (score −3) beats "▁r" + "ed" (−8); "▁ball" beats "▁b" + "all".
    expect(Array.from(ids)).toEqual([id('▁a'), id('▁red'), id('▁ball'), id('</s>'), 0, 0, 0, 0]);
    expect(length).toBe(4);
  });

  it('cleans as Wan does: HTML entities, runs of whitespace, the ends', () => {
    expect(cleanPrompt('  cats &amp;amp;\n\t a&#32;ball ')).toBe('cats & a ball');
    expect(Array.from(tokenizer.encode(' cats\n\n&amp; a ball', 7).ids)).toEqual([id('▁cats'), id('▁&'), id('▁a'), id('▁ball'), id('</s>'), 0, 0]);
  });

  it('gives <unk> for what the vocabulary cannot spell', () => {
    expect(Array.from(tokenizer.encode('a 猫', 4).ids)).toEqual([id('▁a'), id('▁'), id('<unk>'), id('</s>')]);
  });

  it('cuts a long prompt to text_len, keeping </s> last', () => {
    const { ids, length } = tokenizer.encode('a red ball a red ball', 4);
    expect(Array.from(ids)).toEqual([id('▁a'), id('▁red'), id('▁ball'), id('</s>')]);
    expect(length).toBe(4);
  });
});
