// The CPU loop's clean-latent estimate for denoising previews: with an oracle velocity that
// points at a known target, every step's estimate is the target (given frames excepted), and the
// last step's estimate is the window's result.
import { describe, expect, it } from 'vitest';
import { cleanEstimate, contextGiven, nothingGiven, sampleWindowOnCpu, type LatentShape, type VelocityFn } from '../../../src/sampler/cpu_window.ts';

const shape: LatentShape = [2, 3, 2, 2];
const [C, F, H, W] = shape;
const size = C * F * H * W;
const target = Float32Array.from({ length: size }, (_, i) => Math.cos(i));
const oracle: VelocityFn = async (x, _clean, _mask, t) => Float32Array.from(x, (v, i) => (v - target[i]!) / (t / 1000));

describe('clean estimates during sampling', () => {
  it('are reported once per step and equal what the oracle aims at; the last equals the result', async () => {
    const estimates: { step: number; estimate: Float32Array }[] = [];
    const result = await sampleWindowOnCpu(oracle, { shape, seed: 3, steps: 4, shift: 5, firstStream: 0 }, nothingGiven(shape), {
      onEstimate: (estimate, step) => void estimates.push({ step, estimate }),
    });
    expect(estimates.map((e) => e.step)).toEqual([1, 2, 3, 4]);
    for (const { estimate } of estimates) {
      for (let i = 0; i < size; i++) expect(estimate[i]).toBeCloseTo(target[i]!, 4);
    }
    for (let i = 0; i < size; i++) expect(estimates[3]!.estimate[i]).toBeCloseTo(result[i]!, 5);
  });

  it('keep given frames as given', () => {
    const previous = Float32Array.from({ length: size }, (_, i) => 100 + i);
    const given = contextGiven(previous, 1, shape);
    const x = new Float32Array(size).fill(1);
    const v = new Float32Array(size).fill(2);
    const estimate = cleanEstimate(x, v, 0.5, given);
    const plane = H * W;
    for (let c = 0; c < C; c++) {
      for (let f = 0; f < F; f++) {
        for (let p = 0; p < plane; p++) {
          const i = (c * F + f) * plane + p;
          expect(estimate[i]).toBe(f === 0 ? given.cleanMasked[i] : 0); // 1 − 0.5·2
        }
      }
    }
  });
});
