// shaders/patchify.wgsl against its CPU reference, f32 on the browser's WebGPU adapter.
import { expect, test } from '@playwright/test';
import { concatChannels, patchify, unpatchify, type PatchShape } from '../../src/gpu/reference/patchify.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';
import { expectClose } from '../support/compare.ts';

// Pure permutations: every value is copied, so the output must match exactly.
const EXACT = { atol: 0, rtol: 0 };

function random(length: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround((state / 2 ** 32) * 2 - 1);
  });
}

const f32 = (values: number[]) => ({ type: 'f32' as const, values });
const volume = (s: PatchShape) => s.channels * s.frames * s.height * s.width;

test('the references: patchify puts (c, kh, kw) at c·4 + kh·2 + kw, unpatchify reads channel last', () => {
  // One frame, 2×2 latent, 2 channels: a single token.
  const latents = [1, 2, 3, 4, 5, 6, 7, 8]; // (c, kh, kw) → value c·4 + kh·2 + kw + 1
  expect(Array.from(patchify(latents, { channels: 2, frames: 1, height: 2, width: 2 }))).toEqual(latents);
  // Head output columns (kh, kw, c): kh·2·2 + kw·2 + c.
  const head = [10, 20, 11, 21, 12, 22, 13, 23];
  expect(Array.from(unpatchify(head, { channels: 2, frames: 1, height: 2, width: 2 }))).toEqual([10, 11, 12, 13, 20, 21, 22, 23]);
});

const shapes: PatchShape[] = [
  { channels: 3, frames: 2, height: 4, width: 6 },
  { channels: 16, frames: 1, height: 2, width: 2 },
  { channels: 1, frames: 3, height: 6, width: 2 },
];

for (const s of shapes) {
  const label = `C ${s.channels}, ${s.frames}×${s.height}×${s.width}`;
  test(`patchifyKernel f32, ${label}`, async ({ page }) => {
    await page.goto(HARNESS);
    const latents = random(volume(s), volume(s));
    const { tokens } = await runKernelInPage(page, {
      module: '/src/gpu/ops/patchify.ts',
      kernel: 'patchifyKernel',
      params: { ...s, precision: 'f32' },
      data: { latents: f32(latents), tokens: { bytes: latents.length * 4 } },
    });
    expectClose(decode(tokens!, 'f32'), patchify(latents, s), EXACT);
  });

  test(`unpatchifyKernel f32, ${label}`, async ({ page }) => {
    await page.goto(HARNESS);
    const tokens = random(volume(s), volume(s) + 1);
    const { latents } = await runKernelInPage(page, {
      module: '/src/gpu/ops/patchify.ts',
      kernel: 'unpatchifyKernel',
      params: { ...s, precision: 'f32' },
      data: { tokens: f32(tokens), latents: { bytes: tokens.length * 4 } },
    });
    expectClose(decode(latents!, 'f32'), unpatchify(tokens, s), EXACT);
  });
}

test('patchifyConcatKernel f32, noisy (2) + clean (2) + mask (1) channels, 2×2×4', async ({ page }) => {
  await page.goto(HARNESS);
  const [frames, height, width] = [2, 2, 4];
  const size = frames * height * width;
  const [a, b, c] = [random(2 * size, 1), random(2 * size, 2), random(size, 3)];
  const { tokens } = await runKernelInPage(page, {
    module: '/src/gpu/ops/patchify.ts',
    kernel: 'patchifyConcatKernel',
    params: { channels: 2, channelsB: 2, channelsC: 1, frames, height, width, precision: 'f32' },
    data: { a: f32(a), tokens: { bytes: 5 * size * 4 }, b: f32(b), c: f32(c) },
  });
  const expected = patchify(concatChannels(a, b, c), { channels: 5, frames, height, width });
  expectClose(decode(tokens!, 'f32'), expected, EXACT);
});
