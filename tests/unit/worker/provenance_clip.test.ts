import { describe, expect, it } from 'vitest';
import pkg from '../../../package.json';
import type { Clip, GenerateRequest, ModelInfo } from '../../../src/worker/api.ts';
import { clipProvenance, GENERATOR, stitchedProvenance } from '../../../src/worker/provenance_clip.ts';

const model: ModelInfo = { name: 'tiny-test', version: '1', files: [], totalBytes: 0, config: { sampler: { steps: 4 } } };
const clip: Clip = { mp4: new Blob(), codec: 'avc1.42e01f', width: 112, height: 64, fps: 8, frameCount: 8, elapsedMs: 1, backend: 'wasm' };
const request: GenerateRequest = { prompt: 'a red ball', seed: 7, durationSeconds: 1, aspect: '16:9', shortSide: 256, style: 'pixel art', backend: 'auto' };

describe('clipProvenance', () => {
  it('names the generator with the package version, the model, seed, prompt and every setting', () => {
    const record = clipProvenance(request, clip, model, new Date('2026-01-02T03:04:05Z'));
    expect(GENERATOR).toBe(`Zoetrope ${pkg.version}`);
    expect(record).toEqual({
      aiGenerated: true,
      generator: GENERATOR,
      model: { name: 'tiny-test', version: '1' },
      seed: 7,
      prompt: 'a red ball',
      // steps: the model's default, as none was asked for; backend: the one that ran, not 'auto'.
      settings: { durationSeconds: 1, aspect: '16:9', shortSide: 256, style: 'pixel art', steps: 4, backend: 'wasm',
        width: 112, height: 64, fps: 8, frameCount: 8, codec: 'avc1.42e01f' },
      createdAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('records a given image as "given", never its bytes, and an asked-for step count as asked', () => {
    const withImage = { ...request, steps: 2, image: new Uint8Array([1, 2, 3]) } as GenerateRequest;
    const { settings } = clipProvenance(withImage, clip, model);
    expect(settings.image).toBe('given');
    expect(settings.steps).toBe(2);
  });
});

describe('stitchedProvenance', () => {
  const part = (seed: number, prompt: string) => ({
    aiGenerated: true as const, generator: 'Zoetrope 0.1.0', model: { name: 'tiny-test', version: '1' }, seed, prompt, settings: {}, createdAt: '2026-01-01T00:00:00.000Z',
  });
  const joined = { width: 64, height: 64, fps: 8, frameCount: 6, reencoded: false };

  it('describes every part and counts parts without a record', () => {
    const record = stitchedProvenance([part(1, 'a'), null, part(3, 'c')], joined, new Date('2026-02-02T00:00:00Z'))!;
    expect(record).toMatchObject({ aiGenerated: true, seed: 1, prompt: 'a | c', createdAt: '2026-02-02T00:00:00.000Z' });
    expect(record.settings).toMatchObject({ stitchedFrom: 3, partsWithoutRecord: 1, frameCount: 6 });
    expect(JSON.parse(String(record.settings.parts))).toEqual([
      { model: 'tiny-test 1', seed: 1, prompt: 'a' }, null, { model: 'tiny-test 1', seed: 3, prompt: 'c' },
    ]);
  });

  it('attests nothing when no part carries a record', () => {
    expect(stitchedProvenance([null, null], joined)).toBeNull();
  });
});
