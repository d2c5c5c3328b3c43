// The seam blend on the CPU (latent_update.ts's blendSeam, the WASM backend's) against the float64
// reference that tests/gpu/sampler.spec.ts checks the WGSL kernels against, and what the blend
// promises: context and given frames untouched, the first generated frame moved by the whole
// blurred step, the last by 1/(F − g) of it.
import { describe, expect, it } from 'vitest';
import { gaussianTaps, seamBlend } from '../../../src/gpu/reference/seam_blend.ts';
import { blendSeam } from '../../../src/sampler/latent_update.ts';
import { noise } from '../../../src/sampler/rng.ts';

// (C, F, H, W) = (3, 4, 5, 7): awkward sizes, smaller than the blur's reach (radius 5 at σ 1.5).
const shape = [3, 4, 5, 7] as const;
const [C, F, H, W] = shape;
const plane = H * W;
const x = noise(C * F * plane, 9, 0);
const at = (c: number, f: number, p: number) => (c * F + f) * plane + p;

function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('the seam blend', () => {
  for (const context of [1, 2]) {
    it(`after ${context} context frame(s), with the last frame given: the CPU blend matches the float64 reference`, () => {
      const mask = new Float32Array(F * plane);
      mask.fill(1, 0, context * plane);
      mask.fill(1, (F - 1) * plane); // an end image
      const out = Float32Array.from(x);
      blendSeam(out, mask, shape, context, 1.5);
      const reference = seamBlend(x, mask, shape, context, 1.5);
      // |values| ≲ 5, sums of ≤ 121 products: f32 rounding stays far below 1e-5.
      expect(maxAbsError(out, reference)).toBeLessThan(1e-5);
      for (let c = 0; c < C; c++) {
        for (let p = 0; p < plane; p++) {
          for (let f = 0; f < context; f++) expect(out[at(c, f, p)]).toBe(x[at(c, f, p)]);
          expect(out[at(c, F - 1, p)]).toBe(x[at(c, F - 1, p)]);
        }
      }
      // The blend moved the generated frames between.
      expect(maxAbsError(out.subarray(at(0, context, 0), at(0, context, plane)), x.subarray(at(0, context, 0), at(0, context, plane)))).toBeGreaterThan(0.1);
    });
  }

  it('a step that is the same everywhere is handed over whole: all of it on the first generated frame, a third on the last', () => {
    // Frame 0 = frame 1 + 2 (per channel c: + 2 + c) everywhere: the blur of a constant is the constant.
    const y = Float32Array.from(x);
    for (let c = 0; c < C; c++) for (let p = 0; p < plane; p++) y[at(c, 0, p)] = y[at(c, 1, p)]! + 2 + c;
    const mask = new Float32Array(F * plane).fill(1, 0, plane);
    const out = Float32Array.from(y);
    blendSeam(out, mask, shape, 1, 1.5);
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < plane; p++) {
        expect(out[at(c, 1, p)]).toBeCloseTo(y[at(c, 0, p)]!, 5); // the first generated frame continues the context
        expect(out[at(c, 2, p)]! - y[at(c, 2, p)]!).toBeCloseTo((2 / 3) * (2 + c), 5);
        expect(out[at(c, 3, p)]! - y[at(c, 3, p)]!).toBeCloseTo((1 / 3) * (2 + c), 5);
      }
    }
  });

  it('keeps detail finer than the blur: a one-pixel step moves the first generated frame by the tap products only', () => {
    const y = new Float32Array(C * F * plane);
    const centre = 2 * W + 3;
    y[at(0, 0, centre)] = 1; // the context frame differs from frame 1 at one pixel of channel 0
    const mask = new Float32Array(F * plane).fill(1, 0, plane);
    blendSeam(y, mask, shape, 1, 1.5);
    const taps = gaussianTaps(1.5); // radius 5: the centre pixel's neighbours are all inside
    expect(y[at(0, 1, centre)]).toBeCloseTo(taps[5]! * taps[5]!, 6);
    expect(y[at(0, 1, centre + 1)]).toBeCloseTo(taps[5]! * taps[6]!, 6);
    expect(y[at(0, 1, centre)]).toBeLessThan(0.08); // not a copy of the context's detail
    expect(y[at(1, 1, centre)]).toBe(0);
  });

  it('does nothing without a context or a blur', () => {
    const mask = new Float32Array(F * plane);
    for (const [context, sigma] of [[0, 1.5], [1, 0], [F, 1.5]] as const) {
      const out = Float32Array.from(x);
      blendSeam(out, mask, shape, context, sigma);
      expect(out).toEqual(x);
    }
  });
});
