// The example prompts the page offers are in the app's model's words: an example with a word
// zoetrope-s does not know would be underlined as unknown the moment a person clicks it. (tiny-test,
// the tests' model, knows a few dozen words and is not what a person meets.)
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { EXAMPLE_PROMPTS } from '../../../src/app/examples.ts';
import { WordTokenizer } from '../../../src/model/tokenizer.ts';

it('every example prompt is in zoetrope-s’s words and fits its text length', () => {
  const tokenizer = WordTokenizer.fromJson(JSON.parse(readFileSync('models/zoetrope-s/tokenizer.json', 'utf8')));
  const textLen = JSON.parse(readFileSync('models/configs/zoetrope-s.json', 'utf8')).text_encoder.text_len;
  for (const prompt of EXAMPLE_PROMPTS) {
    const tokens = tokenizer.encode(prompt, textLen);
    expect(tokens.unknown, prompt).toEqual([]);
    expect(tokens.truncated, prompt).toBe(false);
  }
});
