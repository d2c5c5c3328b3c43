import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/model/config.ts';
import { checkParameters, ditParameters, parameterCount, textEncoderParameters } from '../../../src/model/parameters.ts';
import { SafetensorsFile } from '../../../src/model/weights.ts';

const load = (path: string) => SafetensorsFile.parse(new Uint8Array(readFileSync(path)), path);
const config = (name: string) => parseModelConfig(JSON.parse(readFileSync(`models/configs/${name}.json`, 'utf8')));

describe('parameter listings derived from the config', () => {
  const tiny = config('tiny-test');

  it('match the tiny-test checkpoints exactly (names and shapes)', () => {
    expect(checkParameters(ditParameters(tiny.dit), load('models/tiny-test/dit.safetensors').tensors)).toEqual([]);
    expect(checkParameters(textEncoderParameters(tiny.text_encoder), load('models/tiny-test/text_encoder.safetensors').tensors)).toEqual([]);
  });

  it('count what the configs say (tiny-test 587 664 + 238 336; zoetrope-s 13.3 M in all)', () => {
    expect(parameterCount(ditParameters(tiny.dit))).toBe(587_664);
    expect(parameterCount(textEncoderParameters(tiny.text_encoder))).toBe(238_336);
    const s = config('zoetrope-s');
    const total = parameterCount(ditParameters(s.dit)) + parameterCount(textEncoderParameters(s.text_encoder));
    expect(total).toBe(13_264_000);
  });

  it('name what is wrong with a checkpoint that does not fit', () => {
    const actual = new Map([['norm.weight', { shape: [64] }], ['extra', { shape: [1] }]]);
    const problems = checkParameters(textEncoderParameters(tiny.text_encoder), actual);
    expect(problems).toContain('norm.weight is (64), expected (128)');
    expect(problems).toContain('unexpected extra');
    expect(problems).toContain('missing token_embedding.weight');
  });
});
