// shaders/sampler.wgsl against its CPU reference (src/gpu/reference/sampler.ts), f32 in Chromium.
import { expect, test } from '@playwright/test';
import { euler, fewStep, guidedEuler, toFrames } from '../../src/gpu/reference/sampler.ts';
import { seamBlend } from '../../src/gpu/reference/seam_blend.ts';
import { expectClose } from '../support/compare.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';

// A few f32 roundings of O(1) values.
const TOLERANCE = { atol: 2e-6, rtol: 1e-5 };

function values(length: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 6 - 3;
  });
}

// An awkward shape: C·F·H·W = 3·3·5·7 = 315, not a multiple of the workgroup size.
const shape = { channels: 3, frames: 3, height: 5, width: 7 };
const length = shape.channels * shape.frames * shape.height * shape.width;
const plane = shape.frames * shape.height * shape.width;
const pixels = shape.height * shape.width;
const x = values(length, 1);
const v = values(length, 2);
const noise = values(length, 3);
const clean = values(length, 4);
// Frame 0 given (mask 1), frames 1 and 2 generated.
const mask = Array.from({ length: plane }, (_, i) => (i < pixels ? 1 : 0));
const f32 = (values: ArrayLike<number>) => ({ type: 'f32' as const, values });

for (const [sigma, sigmaNext] of [[1, 0.9375], [0.625, 0]] as const) {
  test(`fewStepKernel σ ${sigma} → ${sigmaNext}, frame 0 kept clean`, async ({ page }) => {
    await page.goto(HARNESS);
    const out = await runKernelInPage(page, {
      module: '/src/gpu/ops/sampler.ts',
      kernel: 'fewStepKernel',
      params: shape,
      data: { x: f32(x), v: f32(v), clean: f32(clean), mask: f32(mask), sigmas: f32([sigma, sigmaNext]), noise: f32(noise) },
    });
    const y = decode(out.x!, 'f32');
    expectClose(y, fewStep(x, v, clean, mask, noise, sigma, sigmaNext), TOLERANCE);
    // Given frames are copied, bit for bit.
    for (let c = 0; c < shape.channels; c++) {
      const at = c * plane;
      expect(y.slice(at, at + pixels)).toEqual(Array.from(Float32Array.from(clean.slice(at, at + pixels))));
    }
  });

  test(`eulerKernel σ ${sigma} → ${sigmaNext}`, async ({ page }) => {
    await page.goto(HARNESS);
    const out = await runKernelInPage(page, {
      module: '/src/gpu/ops/sampler.ts',
      kernel: 'eulerKernel',
      params: shape,
      data: { x: f32(x), v: f32(v), clean: f32(clean), mask: f32(mask), sigmas: f32([sigma, sigmaNext]) },
    });
    expectClose(decode(out.x!, 'f32'), euler(x, v, clean, mask, sigma, sigmaNext), TOLERANCE);
  });

  test(`guidedEulerKernel σ ${sigma} → ${sigmaNext}, guidance 5`, async ({ page }) => {
    await page.goto(HARNESS);
    const vUncond = values(length, 5);
    const out = await runKernelInPage(page, {
      module: '/src/gpu/ops/sampler.ts',
      kernel: 'guidedEulerKernel',
      params: { ...shape, guidance: 5 },
      data: { x: f32(x), v: f32(v), clean: f32(clean), mask: f32(mask), sigmas: f32([sigma, sigmaNext]), vUncond: f32(vUncond) },
    });
    // Guidance 5 scales v − v_uncond up to ~30: a few roundings of values that large.
    expectClose(decode(out.x!, 'f32'), guidedEuler(x, v, vUncond, clean, mask, sigma, sigmaNext, 5), { atol: 2e-5, rtol: 1e-5 });
  });
}

test('toFramesKernel (C, F, H, W) → (F, C, H, W) is an exact permutation', async ({ page }) => {
  await page.goto(HARNESS);
  const out = await runKernelInPage(page, {
    module: '/src/gpu/ops/sampler.ts',
    kernel: 'toFramesKernel',
    params: shape,
    data: { latents: f32(x), frames: { bytes: length * 4 } },
  });
  expect(decode(out.frames!, 'f32')).toEqual(Array.from(Float32Array.from(toFrames(x, shape.channels, shape.frames, pixels))));
});

// shaders/seam_blend.wgsl against src/gpu/reference/seam_blend.ts: one context frame, the last
// frame given (an end image), at the awkward shape above (smaller than the blur's reach).
test('seamOffsetKernel then seamRampKernel: the seam blend after 1 context frame, the given last frame kept', async ({ page }) => {
  await page.goto(HARNESS);
  const params = { ...shape, context: 1, sigma: 1.5 };
  const lastGiven = Array.from({ length: plane }, (_, i) => (i < pixels || i >= 2 * pixels ? 1 : 0));
  const offset = await runKernelInPage(page, {
    module: '/src/gpu/ops/seam_blend.ts',
    kernel: 'seamOffsetKernel',
    params,
    data: { x: f32(x), offset: { bytes: shape.channels * pixels * 4 }, mask: f32(lastGiven) },
  });
  const out = await runKernelInPage(page, {
    module: '/src/gpu/ops/seam_blend.ts',
    kernel: 'seamRampKernel',
    params,
    data: { x: f32(x), offset: f32(decode(offset.offset!, 'f32')), mask: f32(lastGiven) },
  });
  const y = decode(out.x!, 'f32');
  // Sums of 121 products of O(3) values in f32, the taps from f32 exp.
  expectClose(y, seamBlend(x, lastGiven, [shape.channels, shape.frames, shape.height, shape.width], 1, 1.5), { atol: 2e-5, rtol: 1e-5 });
  for (let c = 0; c < shape.channels; c++) {
    const context = c * plane;
    const last = c * plane + 2 * pixels;
    expect(y.slice(context, context + pixels)).toEqual(Array.from(Float32Array.from(x.slice(context, context + pixels))));
    expect(y.slice(last, last + pixels)).toEqual(Array.from(Float32Array.from(x.slice(last, last + pixels))));
  }
});
