import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultSettings, fitToModel, generateRequest, modelChoices, promptWithStyle, type FormConfig } from '../../../src/app/clip_settings.ts';

const tiny = JSON.parse(readFileSync('models/configs/tiny-test.json', 'utf8')) as FormConfig;
const small = JSON.parse(readFileSync('models/configs/zoetrope-s.json', 'utf8')) as FormConfig;

describe('the form choices a model offers', () => {
  it('come from its config: aspects with a bucket, the tier of each bucket, its step count, no guidance', () => {
    const choices = modelChoices(tiny);
    expect(choices.aspects).toEqual(['16:9', '1:1', '9:16']);
    expect(choices.tiersFor('16:9').filter((t) => t.available).map((t) => t.shortSide)).toEqual([64]);
    expect(choices.tiersFor('9:16').filter((t) => t.available).map((t) => t.shortSide)).toEqual([64]);
    expect(choices.tiersFor('16:9').length).toBeGreaterThan(1); // the others are shown, disabled
    expect(choices.defaultSteps).toBe(4);
    expect(choices.guidance).toBeNull();
    expect(modelChoices(small).tiersFor('1:1').find((t) => t.available)?.shortSide).toBe(256);
  });

  it('offer guidance only where the config gives a scale, and leave out aspects without a bucket', () => {
    const choices = modelChoices({ latent: { aspect_buckets: { '1:1': [128, 128] } }, sampler: { steps: 8, guidance: 5 } });
    expect(choices.aspects).toEqual(['1:1']);
    expect(choices.guidance).toBe(5);
    expect(choices.defaultSteps).toBe(8);
  });

  it('start the form at 4 s, the model\'s first aspect and tier and its own steps', () => {
    expect(defaultSettings(modelChoices(tiny), 7)).toEqual({
      prompt: '', durationSeconds: 4, aspect: '16:9', shortSide: 64, style: 'none', seed: 7, steps: 4, guidance: null,
    });
  });

  it('fit settings from elsewhere (a share link, another model) to the loaded model', () => {
    const choices = modelChoices({ latent: { aspect_buckets: { '1:1': [128, 128] } }, sampler: { steps: 4 } });
    const fitted = fitToModel({ ...defaultSettings(modelChoices(small), 1), aspect: '9:16', shortSide: 256, guidance: 3 }, choices);
    expect(fitted).toMatchObject({ aspect: '1:1', shortSide: 128, guidance: null });
  });
});

describe('the request the form sends', () => {
  it('appends the style word to the prompt and sends it once', () => {
    expect(promptWithStyle('  a red ball ', 'pixel art')).toBe('a red ball, pixel art');
    expect(promptWithStyle('a red ball', 'none')).toBe('a red ball');
    const request = generateRequest({ ...defaultSettings(modelChoices(tiny), 9), prompt: 'a cube', style: 'pastel', durationSeconds: 2, steps: 2 });
    expect(request).toEqual({ prompt: 'a cube, pastel', seed: 9, durationSeconds: 2, aspect: '16:9', shortSide: 64, steps: 2 });
  });
});
