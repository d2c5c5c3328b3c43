import { describe, expect, it } from 'vitest';
import { coverCrop, psnrRgba } from '../../../src/video/image_input.ts';

describe('coverCrop keeps the centre of the image at the frame aspect ratio', () => {
  it('crops the sides of a wide photo for a square frame', () => {
    expect(coverCrop(400, 200, 64, 64)).toEqual({ x: 100, y: 0, width: 200, height: 200 });
  });
  it('crops top and bottom of a square image for a 16:9 frame', () => {
    const crop = coverCrop(900, 900, 448, 256);
    expect(crop.width).toBe(900);
    expect(crop.height).toBeCloseTo(900 * (256 / 448), 9);
    expect(crop.y).toBeCloseTo((900 - crop.height) / 2, 9);
  });
  it('uses the whole image when the aspect ratios already match, however small', () => {
    expect(coverCrop(32, 18, 448, 252)).toEqual({ x: 0, y: 0, width: 32, height: 18 });
  });
  it('refuses empty sizes', () => {
    expect(() => coverCrop(0, 10, 64, 64)).toThrow(/positive/);
  });
});

describe('psnrRgba', () => {
  it('is infinite for equal images and 20·log10(255/d) for a uniform error d, ignoring alpha', () => {
    const a = new Uint8Array(16).fill(100);
    const b = a.map((v, i) => (i % 4 === 3 ? 0 : v + 5));
    expect(psnrRgba(a, a)).toBe(Infinity);
    expect(psnrRgba(a, b)).toBeCloseTo(20 * Math.log10(255 / 5), 9);
  });
});
