// shaders/embedding.wgsl against its CPU references, f32 on the browser's WebGPU adapter.
import { expect, test } from '@playwright/test';
import { gather, relativeBias, relativePositionBucket, timestepEmbedding } from '../../src/gpu/reference/embedding.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';
import { expectClose } from '../support/compare.ts';

// The timestep embedding is f32 against Wan's float64: the angle t·ω (up to 1000 rad) carries
// the f32 rounding of the product and of ω = exp2(…) (a few ulps), up to ≈1.3e-4 rad at t ≈ 1000
// on SwiftShader; the kernel's own cos/sin add < 1e-7. Values are in [−1, 1].
const TIMESTEP_TOLERANCE = { atol: 3e-4, rtol: 0 };
// Gathers copy values: exact.
const EXACT = { atol: 0, rtol: 0 };

function random(length: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround((state / 2 ** 32) * 2 - 1);
  });
}

const f32 = (values: number[]) => ({ type: 'f32' as const, values });

test('relativePositionBucket matches PyTorch (32 buckets, max distance 128, bidirectional)', () => {
  // (key − query, bucket) from Wan's T5RelativeEmbedding._relative_position_bucket run in PyTorch.
  const torch = [
    [0, 0], [7, 23], [-7, 7], [8, 24], [-8, 8], [11, 24], [12, 25], [-12, 9], [16, 26], [-16, 10],
    [22, 26], [23, 27], [32, 28], [-45, 12], [46, 29], [63, 29], [64, 30], [-64, 14], [90, 30],
    [91, 31], [127, 31], [128, 31], [-128, 15], [500, 31],
  ];
  for (const [relative, bucket] of torch) expect(relativePositionBucket(relative!), `relative ${relative}`).toBe(bucket);
});

const timestepCases = [
  { label: 'Self-Forcing timesteps, freq_dim 256', t: [0, 1, 250, 625, 833.3333, 937.5, 999, 1000], freqDim: 256 },
  { label: 'odd count, freq_dim 10', t: [0.5, 17, 401.25], freqDim: 10 },
];

for (const c of timestepCases) {
  test(`timestepEmbeddingKernel f32, ${c.label}`, async ({ page }) => {
    await page.goto(HARNESS);
    const t = c.t.map(Math.fround);
    const { embedding } = await runKernelInPage(page, {
      module: '/src/gpu/ops/embedding.ts',
      kernel: 'timestepEmbeddingKernel',
      params: { count: t.length, freqDim: c.freqDim, precision: 'f32' },
      data: { t: f32(t), embedding: { bytes: t.length * c.freqDim * 4 } },
    });
    expectClose(decode(embedding!, 'f32'), timestepEmbedding(t, c.freqDim), TIMESTEP_TOLERANCE);
  });
}

const biasCases = [
  { label: 'exact buckets only', heads: 3, lq: 5, lk: 7 },
  // One query against 200 keys and 200 queries against one key: every bucket of both halves.
  { label: 'keys after the query, past max distance', heads: 2, lq: 1, lk: 200 },
  { label: 'keys before the query, past max distance', heads: 2, lq: 200, lk: 1 },
  { label: 'unidirectional, 16 buckets, distance 40', heads: 2, lq: 60, lk: 3, numBuckets: 16, maxDistance: 40, bidirectional: false },
];

for (const c of biasCases) {
  test(`relativeBiasKernel f32, ${c.label} (${c.heads} heads, ${c.lq} × ${c.lk})`, async ({ page }) => {
    await page.goto(HARNESS);
    const numBuckets = c.numBuckets ?? 32;
    const table = random(numBuckets * c.heads, 11);
    const { bias } = await runKernelInPage(page, {
      module: '/src/gpu/ops/embedding.ts',
      kernel: 'relativeBiasKernel',
      params: { ...c, precision: 'f32' },
      data: { table: f32(table), bias: { bytes: c.heads * c.lq * c.lk * 4 } },
    });
    expectClose(decode(bias!, 'f32'), relativeBias(table, c.heads, c.lq, c.lk, c), EXACT);
  });
}

test('gatherKernel f32, 7 ids of a 10 × 5 table', async ({ page }) => {
  await page.goto(HARNESS);
  const [dim, ids] = [5, [3, 0, 9, 3, 7, 1, 2]];
  const table = random(10 * dim, 12);
  const { out } = await runKernelInPage(page, {
    module: '/src/gpu/ops/embedding.ts',
    kernel: 'gatherKernel',
    params: { count: ids.length, dim, precision: 'f32' },
    data: { ids: { type: 'u32', values: ids }, out: { bytes: ids.length * dim * 4 }, table: f32(table) },
  });
  expectClose(decode(out!, 'f32'), gather(ids, table, dim), EXACT);
});

test('gatherKernel f32, one shard (rows 4 … 7) of a split table', async ({ page }) => {
  await page.goto(HARNESS);
  const [dim, ids] = [3, [3, 4, 9, 7, 5, 8]];
  const shard = random(4 * dim, 13);
  const { out } = await runKernelInPage(page, {
    module: '/src/gpu/ops/embedding.ts',
    kernel: 'gatherKernel',
    params: { count: ids.length, dim, rowBegin: 4, rowEnd: 8, precision: 'f32' },
    data: { ids: { type: 'u32', values: ids }, out: { bytes: ids.length * dim * 4 }, table: f32(shard) },
  });
  // Ids outside the shard leave their rows as they were (zero: new buffers are zeroed).
  expectClose(decode(out!, 'f32'), gather(ids, shard, dim, { rowBegin: 4, rowEnd: 8 }), EXACT);
});
