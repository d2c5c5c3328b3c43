import { describe, expect, it } from 'vitest';
import { rgbaToPlanar } from '../../../src/model/vae_encoder.ts';

describe('rgbaToPlanar', () => {
  it('maps 0 and 255 to -1 and 1 in channel planes, frame after frame', () => {
    const a = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255]); // 2×1: red, green
    const b = Uint8Array.from([0, 0, 255, 9, 255, 255, 255, 9]); // blue, white
    expect(Array.from(rgbaToPlanar([a, b], 2, 1))).toEqual([1, -1, -1, 1, -1, -1, -1, 1, -1, 1, 1, 1]);
  });
  it('refuses a frame of the wrong size', () => {
    expect(() => rgbaToPlanar([new Uint8Array(12)], 2, 2)).toThrow(/bytes/);
  });
});
