import { describe, expect, it } from 'vitest';
import { PALETTE, quadrantColour, testPatternRgba } from '../../../src/video/test_pattern.ts';

describe('testPatternRgba (the CPU reference of the test pattern)', () => {
  it('colours each quadrant with the palette rotated by frame', () => {
    const width = 5; // odd: the left half is floor(5/2) = 2 columns wide
    const height = 4;
    const rgba = testPatternRgba(7, width, height);
    const pixel = (x: number, y: number) => Array.from(rgba.slice((y * width + x) * 4, (y * width + x) * 4 + 4));
    expect(pixel(1, 1)).toEqual([...PALETTE[7 % 6]!, 255]);
    expect(pixel(2, 1)).toEqual([...PALETTE[8 % 6]!, 255]);
    expect(pixel(1, 2)).toEqual([...PALETTE[9 % 6]!, 255]);
    expect(pixel(4, 3)).toEqual([...PALETTE[10 % 6]!, 255]);
  });

  it('gives four different colours in every frame', () => {
    for (let frame = 0; frame < PALETTE.length; frame++) {
      const colours = new Set([0, 1, 2, 3].map((q) => quadrantColour(frame, q).join()));
      expect(colours.size).toBe(4);
    }
  });
});
