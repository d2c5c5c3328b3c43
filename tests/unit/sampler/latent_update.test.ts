// The CPU sampler updates (the WASM backend's) against the float64 references that
// tests/gpu/sampler.spec.ts checks the WGSL kernels against: both backends' updates meet there.
import { describe, expect, it } from 'vitest';
import { euler as eulerReference, fewStep as fewStepReference } from '../../../src/gpu/reference/sampler.ts';
import { maskedEuler, maskedFewStep } from '../../../src/sampler/latent_update.ts';
import { noise } from '../../../src/sampler/rng.ts';

// (C, F, H, W) = (3, 4, 5, 6), frames 0 and 2 given: an awkward shape and a mask that is not only a prefix.
const [C, F, H, W] = [3, 4, 5, 6];
const size = C * F * H * W;
const plane = F * H * W;
const mask = Float32Array.from({ length: plane }, (_, i) => (Math.floor(i / (H * W)) % 2 === 0 ? 1 : 0));
const clean = Float32Array.from(noise(size, 1, 0), (v, i) => (mask[i % plane] === 1 ? v : 0));
const x = noise(size, 2, 0);
const velocity = noise(size, 3, 0);
const fresh = noise(size, 4, 0);

/** Largest |a − b| relative to max(1, |b|): f32 against float64. */
function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe('masked sampler updates on the CPU', () => {
  // σ pairs of the 4-step shift-5 schedule, plus the last step to σ = 0.
  const pairs: [number, number][] = [[1, 0.9375], [0.8333333333333334, 0.625], [0.625, 0]];

  it('the few-step update matches the float64 reference to f32 rounding, and keeps given frames exactly', () => {
    for (const [sigma, sigmaNext] of pairs) {
      const out = Float32Array.from(x);
      maskedFewStep({ x: out, velocity, clean, mask }, sigma, sigmaNext, fresh);
      // σ reaches the GPU as f32: the reference takes the same rounded values.
      const reference = fewStepReference(x, velocity, clean, mask, fresh, Math.fround(sigma), Math.fround(sigmaNext));
      // |values| ≲ 5: a few f32 ulps (2^-23 ≈ 1.2e-7 relative).
      expect(maxRelError(out, reference)).toBeLessThan(4e-7);
      for (let i = 0; i < size; i++) if (mask[i % plane] === 1) expect(out[i]).toBe(clean[i]);
    }
  });

  it('at σ_next = 0 the few-step update is the x0 prediction and needs no noise', () => {
    const out = Float32Array.from(x);
    maskedFewStep({ x: out, velocity, clean, mask }, 0.625, 0, null);
    const reference = fewStepReference(x, velocity, clean, mask, new Float32Array(size), Math.fround(0.625), 0);
    expect(maxRelError(out, reference)).toBeLessThan(4e-7);
    expect(() => maskedFewStep({ x: Float32Array.from(x), velocity, clean, mask }, 1, 0.5, null)).toThrow('noise');
  });

  it('the Euler update matches the float64 reference to f32 rounding, and keeps given frames exactly', () => {
    for (const [sigma, sigmaNext] of pairs) {
      const out = Float32Array.from(x);
      maskedEuler({ x: out, velocity, clean, mask }, sigma, sigmaNext);
      const reference = eulerReference(x, velocity, clean, mask, Math.fround(sigma), Math.fround(sigmaNext));
      expect(maxRelError(out, reference)).toBeLessThan(4e-7);
      for (let i = 0; i < size; i++) if (mask[i % plane] === 1) expect(out[i]).toBe(clean[i]);
    }
  });
});
