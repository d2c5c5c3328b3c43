// shaders/norm.wgsl against its CPU reference, f32 on the browser's WebGPU adapter.
import { test } from '@playwright/test';
import { layerNorm, rmsNorm } from '../../src/gpu/reference/norm.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';
import { expectClose } from '../support/compare.ts';

// Outputs are O(1) (normalised); f32 sums over a few hundred elements in a different order from
// the float64 reference lose a few ulps of the sum, hence atol a few 1e-6 on values near 0.
const TOLERANCE = { atol: 5e-6, rtol: 1e-5 };
// Rows with mean 100 and std 1: the mean is subtracted from f32 values of size 100, whose ulp
// is 7.6e-6 — the two-pass variance keeps the error at that level (one pass would lose ~1e-2).
const OFFSET_TOLERANCE = { atol: 1e-4, rtol: 1e-4 };
// Groups of two nearly equal values are ill-conditioned — the output is (a − b)/√((a − b)² + 4ε)
// — so the f32 rounding of the mean shows up to ~1e-3 relative when a − b ≈ √ε.
const PAIR_TOLERANCE = { atol: 1e-4, rtol: 1e-4 };

/** Deterministic values in [offset − scale, offset + scale), rounded to f32 as the GPU sees them. */
function random(length: number, seed: number, scale = 3, offset = 0): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround(offset + ((state / 2 ** 32) * 2 - 1) * scale);
  });
}

const f32 = (values: number[]) => ({ type: 'f32' as const, values });

const layerCases = [
  { groups: 3, groupSize: 37 },
  { groups: 2, groupSize: 1000, workgroupSize: 64 },
  { groups: 4, groupSize: 300, offset: 100 },
  { groups: 2, groupSize: 1 },
  // 65 600 workgroups: more than one grid dimension allows, so the grid folds into y.
  { groups: 65600, groupSize: 2, workgroupSize: 1 },
];

// Every case in one page, each a step: a fresh page per case cost more than the cases (attention.spec.ts:
// 60 s as one test a case, 36 s as one test, SwiftShader, 2026-12-06).
test('layerNormKernel f32 on every case', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(HARNESS);
  for (const c of layerCases) {
    await test.step(`layerNormKernel f32, ${c.groups} × ${c.groupSize}${c.offset ? ` around ${c.offset}` : ''}`, async () => {
      const n = c.groups * c.groupSize;
      const x = random(n, 1 + n, 1, c.offset ?? 0);
      const params = { groups: c.groups, groupSize: c.groupSize, eps: 1e-6, precision: 'f32', workgroupSize: c.workgroupSize };
      const { y } = await runKernelInPage(page, {
        module: '/src/gpu/ops/norm.ts',
        kernel: 'layerNormKernel',
        params,
        data: { x: f32(x), y: { bytes: n * 4 } },
      });
      expectClose(decode(y!, 'f32'), layerNorm(x, params), c.offset ? OFFSET_TOLERANCE : c.groupSize === 2 ? PAIR_TOLERANCE : TOLERANCE);
    });
  }
});

test('layerNormAffineKernel f32, 5 × 37', async ({ page }) => {
  await page.goto(HARNESS);
  const [groups, groupSize] = [5, 37];
  const x = random(groups * groupSize, 7);
  const weight = random(groupSize, 8, 2);
  const bias = random(groupSize, 9, 1);
  const params = { groups, groupSize, eps: 1e-6, precision: 'f32' };
  const { y } = await runKernelInPage(page, {
    module: '/src/gpu/ops/norm.ts',
    kernel: 'layerNormAffineKernel',
    params,
    data: { x: f32(x), y: { bytes: x.length * 4 }, weight: f32(weight), bias: f32(bias) },
  });
  expectClose(decode(y!, 'f32'), layerNorm(x, params, weight, bias), TOLERANCE);
});

const rmsCases = [
  { name: 'over the row', groups: 3, groupSize: 96, weightLength: 96 },
  { name: 'odd row', groups: 4, groupSize: 37, weightLength: 37 },
  // (L 5, heads 3, head_dim 16): one weight of head_dim shared by every head.
  { name: 'per head, shared weight', groups: 15, groupSize: 16, weightLength: 16 },
  // The same per-head groups with a weight over the full row (each head its own slice).
  { name: 'per head, weight over the row', groups: 15, groupSize: 16, weightLength: 48 },
  { name: 'wider than the workgroup', groups: 2, groupSize: 1500, weightLength: 1500, workgroupSize: 32 },
];

// Every case in one page, each a step: a fresh page per case cost more than the cases (attention.spec.ts:
// 60 s as one test a case, 36 s as one test, SwiftShader, 2026-12-06).
test('rmsNormKernel f32 on every case', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(HARNESS);
  for (const c of rmsCases) {
    await test.step(`rmsNormKernel f32, ${c.name} (${c.groups} × ${c.groupSize})`, async () => {
      const x = random(c.groups * c.groupSize, c.groupSize);
      const weight = random(c.weightLength, 3, 2);
      const params = { ...c, eps: 1e-6, precision: 'f32' };
      const { y } = await runKernelInPage(page, {
        module: '/src/gpu/ops/norm.ts',
        kernel: 'rmsNormKernel',
        params,
        data: { x: f32(x), y: { bytes: x.length * 4 }, weight: f32(weight) },
      });
      expectClose(decode(y!, 'f32'), rmsNorm(x, params, weight), TOLERANCE);
    });
  }
});
