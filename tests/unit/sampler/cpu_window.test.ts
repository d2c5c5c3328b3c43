// The CPU sampler loop (the WASM backend's), with velocities whose answer is known: the schedule,
// the RNG streams, the mask and the chunk contract, in Node.
import { describe, expect, it } from 'vitest';
import { contextGiven, nothingGiven, sampleWindowOnCpu, type LatentShape, type VelocityFn } from '../../../src/sampler/cpu_window.ts';
import { blendSeam } from '../../../src/sampler/latent_update.ts';
import { noise } from '../../../src/sampler/rng.ts';
import { sigmaSchedule, timestepOf } from '../../../src/sampler/schedule.ts';

const shape: LatentShape = [2, 3, 4, 4];
const [C, F, H, W] = shape;
const size = C * F * H * W;
const target = Float32Array.from({ length: size }, (_, i) => Math.sin(i)); // the "clean video" x0

/** An oracle DiT: the exact velocity towards `target`, v = (x − x0)/σ, so x − σ·v = x0. Records its inputs. */
function oracle(calls: { x: Float32Array; t: number }[] = []): VelocityFn {
  return async (x, _clean, _mask, t) => {
    calls.push({ x: Float32Array.from(x), t });
    const sigma = t / 1000;
    return Float32Array.from(x, (v, i) => (v - target[i]!) / sigma);
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('sampleWindowOnCpu', () => {
  const spec = { shape, seed: 7, steps: 4, shift: 5, firstStream: 10 };

  it('starts from noise stream s₀, feeds t = 1000·σ_k as f32, re-noises with streams s₀ + k + 1, and lands on x0', async () => {
    const calls: { x: Float32Array; t: number }[] = [];
    const out = await sampleWindowOnCpu(oracle(calls), spec, nothingGiven(shape));
    const sigmas = sigmaSchedule(4, 5);
    expect(calls.map((c) => c.t)).toEqual([0, 1, 2, 3].map((k) => Math.fround(timestepOf(sigmas[k]!))));
    expect(calls[0]!.x).toEqual(noise(size, 7, 10));
    // After step k the latents are x0 re-noised to σ_{k+1} with stream s₀ + k + 1.
    for (let k = 1; k < 4; k++) {
      const s = Math.fround(sigmas[k]!);
      const n = noise(size, 7, 10 + k);
      const expected = Float32Array.from(target, (x0, i) => (1 - s) * x0 + s * n[i]!);
      expect(maxAbsDiff(calls[k]!.x, expected)).toBeLessThan(1e-5);
    }
    expect(maxAbsDiff(out, target)).toBeLessThan(1e-5);
  });

  it('the same seed and stream give the same latents; another first stream gives others', async () => {
    const a = await sampleWindowOnCpu(async (x) => x.map((v) => 0.5 * v), spec, nothingGiven(shape));
    const b = await sampleWindowOnCpu(async (x) => x.map((v) => 0.5 * v), spec, nothingGiven(shape));
    const c = await sampleWindowOnCpu(async (x) => x.map((v) => 0.5 * v), { ...spec, firstStream: 15 }, nothingGiven(shape));
    expect(b).toEqual(a);
    expect(maxAbsDiff(c, a)).toBeGreaterThan(0.1);
  });

  it('Euler with the exact velocity of a straight path also lands on x0', async () => {
    // x_σ = (1 − σ)·x0 + σ·n has the constant velocity n − x0.
    const n = noise(size, 7, 10);
    const out = await sampleWindowOnCpu(async () => Float32Array.from(n, (v, i) => v - target[i]!), { ...spec, steps: 8, solver: 'euler' }, nothingGiven(shape));
    expect(maxAbsDiff(out, target)).toBeLessThan(1e-5);
  });

  it('given frames (the chunk contract) stay exactly as given, and reach the DiT as clean·mask and mask', async () => {
    // The previous window (C, 2, H, W); its last frame becomes this window's frame 0.
    const previous = Float32Array.from({ length: C * 2 * H * W }, (_, i) => 100 + i);
    const given = contextGiven(previous, 1, shape);
    const plane = H * W;
    expect(Array.from(given.mask)).toEqual(Array.from({ length: F * plane }, (_, i) => (i < plane ? 1 : 0)));
    const seen: Float32Array[] = [];
    const out = await sampleWindowOnCpu(async (x, cleanMasked, mask) => {
      seen.push(cleanMasked, mask);
      return oracle()(x, cleanMasked, mask, 500);
    }, spec, given);
    for (let c = 0; c < C; c++) {
      const lastPrevious = previous.subarray((c * 2 + 1) * plane, (c * 2 + 2) * plane);
      expect(out.subarray(c * F * plane, c * F * plane + plane)).toEqual(lastPrevious);
      expect(seen[0]!.subarray(c * F * plane, c * F * plane + plane)).toEqual(lastPrevious);
      expect(Array.from(seen[0]!.subarray(c * F * plane + plane, (c + 1) * F * plane)).every((v) => v === 0)).toBe(true);
    }
  });

  it('a window after a context ends with the seam blend when the spec names one, as generate_window.ts does', async () => {
    const previous = noise(C * 2 * H * W, 8, 0);
    const plain = await sampleWindowOnCpu(oracle(), spec, contextGiven(previous, 1, shape));
    const given = contextGiven(previous, 1, shape);
    const blended = await sampleWindowOnCpu(oracle(), { ...spec, seamBlend: { context: 1, sigma: 1.5 } }, given);
    const expected = Float32Array.from(plain);
    blendSeam(expected, given.mask, shape, 1, 1.5);
    expect(blended).toEqual(expected);
    expect(blended).not.toEqual(plain);
  });

  it('stops between steps when the signal aborts', async () => {
    const controller = new AbortController();
    let steps = 0;
    const run = sampleWindowOnCpu(oracle(), spec, nothingGiven(shape), {
      signal: controller.signal,
      onStep: (step) => {
        steps = step;
        if (step === 2) controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
    expect(steps).toBe(2);
  });

  it('refuses given latents of another shape', async () => {
    await expect(sampleWindowOnCpu(oracle(), spec, nothingGiven([2, 2, 4, 4]))).rejects.toThrow('do not fit');
  });
});
