import { describe, expect, it } from 'vitest';
import words from '../../../src/worker/prompt_filter_words.json';
import { EngineError } from '../../../src/worker/errors.ts';
import { findRefused, inflects, parseWordList, promptWords } from '../../../src/worker/prompt_filter.mjs';
import { validateGenerate } from '../../../src/worker/validate.ts';

const REQUEST = { seed: 1, durationSeconds: 4, aspect: '1:1' as const, shortSide: 256 };

/** The engine's refusal of `prompt` (the filter runs inside the one request check), or null. */
function refusal(prompt: string): EngineError | null {
  try {
    validateGenerate({ ...REQUEST, prompt });
    return null;
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    return error;
  }
}

describe('the prompt filter refuses', () => {
  it.each([
    ['a listed word', 'a gore scene in a forest', 'graphic gore', 'gore'],
    ['any case', 'GORE everywhere', 'graphic gore', 'gore'],
    ['an adjective form', 'a gory battlefield', 'graphic gore', 'gore'],
    ['a past tense', 'soldiers beheaded at dawn', 'graphic gore', 'behead'],
    ['a noun form with the final e dropped', 'the mutilation of a body', 'graphic gore', 'mutilate'],
    ['an -ist form', 'a rapist in an alley', 'sexual violence', 'rape'],
    ['a phrase', 'a child porn video', 'sexual content involving minors', 'child porn'],
    ['letters spelled out with dots', 'a g.o.r.e scene', 'graphic gore', 'gore'],
    ['letters spelled out with spaces after a one-letter word', 'a g o r e scene', 'graphic gore', 'gore'],
    ['accented letters', 'a górè fest', 'graphic gore', 'gore'],
    ['full-width letters', 'ｇｏｒｅ', 'graphic gore', 'gore'],
  ])('%s', (_, prompt, category, word) => {
    expect(findRefused(prompt)).toEqual([{ category, words: [word] }]);
  });

  it('words from every group of a "together" rule, in any order and far apart', () => {
    expect(findRefused('naked, on a beach, with two kids')).toEqual([
      { category: 'sexual content involving minors', words: ['kid + naked'] },
    ]);
  });

  it('with an EngineError "prompt-refused" naming the category, the words and where the list is', () => {
    const error = refusal('a gory beheading');
    expect(error?.code).toBe('prompt-refused');
    expect(error?.message).toBe(
      'This prompt was refused: it asks for graphic gore ("gore", "behead"). Zoetrope does not make such clips. ' +
        'Matching words come from an editable list (src/worker/prompt_filter_words.json).',
    );
  });

  it('from validateGenerate, before any work starts', () => {
    expect(() => validateGenerate({ ...REQUEST, prompt: 'a decapitated statue' })).toThrow(/graphic gore \("decapitate"\)/);
  });
});

describe('the prompt filter lets through', () => {
  it.each([
    'a therapist in her office', // rape inside a word: the Scunthorpe problem
    'grapes and a drape on a table',
    'a field of rapeseed in Essex and Sussex',
    'a gorgeous gorilla in a gorge',
    'a rap battle and a rapier duel',
    'a kidney bean, a kiddo, kidnapped? no: a kidding goat',
    'children play in a park',
    'a naked mole rat',
    'a minor chord played on a piano',
    'the g o a t of football', // spelled letters that are not a listed word
    'a sextant and a sixth sense',
  ])('%s', (prompt) => {
    expect(findRefused(prompt)).toEqual([]);
    expect(refusal(prompt)).toBeNull();
  });
});

describe('matching helpers', () => {
  it('inflects: listed suffixes only, and a dropped e only before a vowel suffix', () => {
    expect(['rape', 'rapes', 'raped', 'raping', 'rapist'].every((t) => inflects(t, 'rape'))).toBe(true);
    expect(['rap', 'raps', 'rapid', 'rapier', 'rapeseed'].some((t) => inflects(t, 'rape'))).toBe(false);
    expect(inflects('dismemberment', 'dismember')).toBe(true);
  });

  it('promptWords splits on anything that is not a letter or digit and joins spelled-out letters', () => {
    expect(promptWords('It\'s a G-O-R-E, ok?')).toEqual({
      words: ['it', 's', 'a', 'g', 'o', 'r', 'e', 'ok'],
      spelled: ['sag', 'sago', 'sagor', 'sagore', 'ago', 'agor', 'agore', 'gor', 'gore', 'ore'],
    });
  });
});

describe('the word list file', () => {
  it('parses, and every category has something to match', () => {
    const categories = parseWordList(words);
    expect(categories.map((c) => c.name)).toEqual(['sexual content involving minors', 'graphic gore', 'sexual violence']);
    for (const c of categories) expect(c.words.length + c.together.length).toBeGreaterThan(0);
  });

  it('a bad edit fails loudly instead of silently matching nothing', () => {
    expect(() => parseWordList({ categories: [{ name: 'x', words: ['Gore'] }] })).toThrow('"Gore" is not lowercase words');
    expect(() => parseWordList({ categories: [{ name: 'x', words: ['two  spaces'] }] })).toThrow('is not lowercase words');
    expect(() => parseWordList({ categories: [{ name: 'x', together: ['a', 'b'] }] })).toThrow('not a list of word lists');
    expect(() => parseWordList({})).toThrow('no "categories" list');
  });
});
