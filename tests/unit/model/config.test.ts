import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ditInputChannels, parseModelConfig } from '../../../src/model/config.ts';

const configDir = 'models/configs';
const load = (file: string) => JSON.parse(readFileSync(`${configDir}/${file}`, 'utf8'));

describe('model configs', () => {
  const files = readdirSync(configDir).filter((f) => f.endsWith('.json'));

  it('include tiny-test', () => {
    expect(files).toContain('tiny-test.json');
  });

  it.each(files)('%s passes the schema and its relations', (file) => {
    const config = parseModelConfig(load(file));
    expect(`${config.name}.json`).toBe(file);
    expect(ditInputChannels(config.dit)).toBe(config.dit.masked_frame_input ? 2 * config.latent.channels + 1 : config.latent.channels);
  });

  it('reject a missing field or a broken relation with the path named', () => {
    const tiny = load('tiny-test.json');
    expect(() => parseModelConfig({ ...tiny, dit: { ...tiny.dit, num_layers: undefined } })).toThrow('config dit.num_layers must be a whole number');
    expect(() => parseModelConfig({ ...tiny, dit: { ...tiny.dit, head_dim: 32 } })).toThrow(ConfigError);
    expect(() => parseModelConfig({ ...tiny, chunk: { latent_frames: 2, context_latent_frames: 2 } })).toThrow('context_latent_frames');
    expect(() => parseModelConfig({ ...tiny, latent: { ...tiny.latent, aspect_buckets: { '1:1': [60, 64] } } })).toThrow('multiples of 16');
    for (const sigma of [-1, 9, '1.5', Number.NaN]) {
      expect(() => parseModelConfig({ ...tiny, chunk: { ...tiny.chunk, seam_blend_sigma: sigma } })).toThrow('chunk.seam_blend_sigma');
    }
    expect(parseModelConfig({ ...tiny, chunk: { ...tiny.chunk, seam_blend_sigma: 1.5 } }).chunk.seam_blend_sigma).toBe(1.5);
  });
});
