// The synthetic test pattern: frames with known content for tests and the developer page, never
// presented as generation. This file is the pattern's definition and CPU reference; the GPU
// version (shaders/test_pattern.wgsl) is driven by test_pattern_frames.ts.
//
// Quadrant q of frame f is PALETTE[(f + q) % PALETTE.length]; quadrants are split at
// floor(width/2) and floor(height/2), q = (x ≥ w/2) + 2·(y ≥ h/2).

export type Rgb = readonly [number, number, number];

/** Mid-range colours: far from 0 and 255 so limited-range YUV coding does not clip them. */
export const PALETTE: readonly Rgb[] = [
  [220, 40, 40],
  [40, 200, 60],
  [40, 70, 220],
  [230, 210, 50],
  [50, 200, 210],
  [200, 60, 200],
];

export function quadrantColour(frame: number, quadrant: number): Rgb {
  return PALETTE[(frame + quadrant) % PALETTE.length]!;
}

/** CPU reference and CPU frame source: the frame as RGBA8, tightly packed. */
export function testPatternRgba(frame: number, width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(width * height * 4);
  const halfW = Math.floor(width / 2);
  const halfH = Math.floor(height / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = quadrantColour(frame, (x >= halfW ? 1 : 0) + (y >= halfH ? 2 : 0));
      const i = (y * width + x) * 4;
      rgba[i] = r;
      rgba[i + 1] = g;
      rgba[i + 2] = b;
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}
