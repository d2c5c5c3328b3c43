import { describe, expect, it } from 'vitest';
import { fitLatentColourMap, previewFrame } from '../../../src/sampler/latent_preview.ts';

/** A deterministic pseudo-random stream in [-1, 1). */
function numbers(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

describe('fitLatentColourMap', () => {
  it('recovers a linear decoder exactly (frames made from latents by a known map, upsampled 8×)', () => {
    const [count, channels, height, width, factor] = [2, 4, 3, 5, 8];
    const latents = numbers(count * channels * height * width, 7);
    const weights = Float32Array.from([0.5, -0.2, 0.1, 0, 0.3, 0.3, -0.4, 0.2, -0.1, 0, 0.25, 0.6]);
    const bias = Float32Array.from([0.05, -0.1, 0.2]);
    const frames = new Float32Array(count * 3 * height * factor * width * factor);
    for (let n = 0; n < count; n++) {
      for (let k = 0; k < 3; k++) {
        for (let Y = 0; Y < height * factor; Y++) {
          for (let X = 0; X < width * factor; X++) {
            const p = Math.floor(Y / factor) * width + Math.floor(X / factor);
            let v = bias[k]!;
            for (let c = 0; c < channels; c++) v += weights[k * channels + c]! * latents[(n * channels + c) * height * width + p]!;
            frames[((n * 3 + k) * height * factor + Y) * width * factor + X] = v;
          }
        }
      }
    }
    const map = fitLatentColourMap(latents, frames, { count, channels, height, width, factor });
    for (let i = 0; i < weights.length; i++) expect(map.weights[i]).toBeCloseTo(weights[i]!, 4);
    for (let k = 0; k < 3; k++) expect(map.bias[k]).toBeCloseTo(bias[k]!, 4);
  });
});

describe('previewFrame', () => {
  it('maps one frame of (C, F, h, w) latents through the colour map to RGBA, clamped', () => {
    const map = { channels: 2, weights: Float32Array.from([1, 0, 0, 1, 0.5, 0.5]), bias: Float32Array.from([0, 0, -1]) };
    // C=2, F=2, h=1, w=2: frame 1 holds (c0, c1) = (1, -1) and (0.5, 3).
    const latents = Float32Array.from([9, 9, 1, 0.5, 9, 9, -1, 3]);
    const rgba = previewFrame(latents, [2, 2, 1, 2], 1, map);
    expect(Array.from(rgba)).toEqual([255, 0, 0, 255, 191, 255, 223, 255]);
  });

  it('refuses a map made for another channel count', () => {
    const map = { channels: 3, weights: new Float32Array(9), bias: new Float32Array(3) };
    expect(() => previewFrame(new Float32Array(8), [2, 2, 1, 2], 0, map)).toThrow(/channels/);
  });
});
