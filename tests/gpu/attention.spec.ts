// shaders/attention.wgsl against the naive float64 reference on the browser's WebGPU adapter: f32
// always, f16 where the adapter has shader-f16 (SwiftShader has not; f16 is also checked under Node).
import { expect, test, type Page } from '@playwright/test';
import type { Precision } from '../../src/gpu/kernel.ts';
import { fromF16Bits, toF16Bits } from '../../src/gpu/f16.ts';
import { attention, type BiasTable } from '../../src/gpu/reference/attention.ts';
import type { AttentionBlocks, AttentionParams } from '../../src/gpu/ops/attention.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';
import { expectClose } from '../support/compare.ts';

// f32 scores (dot products of ≤ 128 terms, magnitudes ≲ 20), f32 exp and an f32 running sum over
// ≤ 77 keys: a few ulps of the largest terms, i.e. ≈1e-6 absolute on outputs of magnitude ≤ 1.
const TOLERANCE = { atol: 2e-5, rtol: 1e-4 };
// f16 storage: inputs are rounded to f16 before the reference sees them and the softmax is f32, so
// the error is the output's rounding to f16 (2^-11 relative, outputs ≤ 1) plus the f32 error above.
const F16_TOLERANCE = { atol: 1e-3, rtol: 1e-3 };

/** Deterministic values in [-amplitude, amplitude], rounded to the storage type so the reference sees what the GPU sees. */
function randomValues(length: number, seed: number, amplitude = 1, precision: Precision = 'f32'): number[] {
  let state = seed >>> 0;
  const round = precision === 'f16' ? (v: number) => fromF16Bits(toF16Bits(v)) : Math.fround;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return round(((state / 2 ** 32) * 2 - 1) * amplitude);
  });
}

async function hasF16(page: Page): Promise<boolean> {
  return page.evaluate(async () => !!(await navigator.gpu.requestAdapter())?.features.has('shader-f16'));
}

/** The uniform buffer's words, packed by the ops module itself (it imports WGSL, so it loads only in the page). */
async function uniforms(page: Page, params: AttentionParams): Promise<number[]> {
  return page.evaluate(async (p) => {
    const ops = (await import('/src/gpu/ops/attention.ts' as string)) as typeof import('../../src/gpu/ops/attention.ts');
    return Array.from(ops.attentionUniforms(p));
  }, params);
}

interface Inputs {
  q: number[];
  k: number[];
  v: number[];
  bias?: BiasTable;
}

async function runAttention(page: Page, params: AttentionParams, inputs: Inputs): Promise<number[]> {
  const outStride = params.outStride ?? params.heads * params.headDim;
  const type = params.precision;
  const { out } = await runKernelInPage(page, {
    module: '/src/gpu/ops/attention.ts',
    kernel: 'attentionKernel',
    params,
    data: {
      params: { type: 'u32', values: await uniforms(page, params) },
      q: { type, values: inputs.q },
      k: { type, values: inputs.k },
      v: { type, values: inputs.v },
      bias: { type, values: inputs.bias?.values ?? [0] },
      out: { bytes: params.lq * outStride * (type === 'f16' ? 2 : 4) },
    },
  });
  return decode(out!, type);
}

interface Case {
  heads: number;
  headDim: 64 | 128;
  lq: number;
  lk: number;
  kvValid?: number;
  qOffset?: number;
  /** T5 style: scale 1 and a bias table of `biasLen` entries per head (default 2·lk − 1). */
  t5?: { biasLen?: number };
  /** Non-default block shape (the defaults fit 16 KiB of workgroup memory; these need more). */
  blocks?: AttentionBlocks;
}

const cases: Case[] = [
  // Self-attention, DiT style (scale 1/√d), both head sizes.
  { heads: 1, headDim: 64, lq: 1, lk: 1 },
  { heads: 2, headDim: 64, lq: 33, lk: 33 },
  { heads: 3, headDim: 128, lq: 7, lk: 7 },
  { heads: 2, headDim: 128, lq: 33, lk: 33 },
  // Cross-attention: Lq ≠ Lk in both directions.
  { heads: 3, headDim: 64, lq: 7, lk: 77 },
  { heads: 2, headDim: 128, lq: 33, lk: 5 },
  { heads: 1, headDim: 128, lq: 1, lk: 40 },
  // Key padding mask: a partial last tile, and a tail of several whole tiles.
  { heads: 2, headDim: 64, lq: 7, lk: 40, kvValid: 21 },
  { heads: 1, headDim: 128, lq: 33, lk: 77, kvValid: 3 },
  // T5 encoder: no scaling, relative position bias, padding.
  { heads: 3, headDim: 64, lq: 33, lk: 33, t5: {} },
  { heads: 2, headDim: 64, lq: 7, lk: 7, kvValid: 5, t5: {} },
  { heads: 2, headDim: 128, lq: 33, lk: 40, t5: {} },
  // A narrow table: offsets beyond ±4 clamp to the end entries (T5's saturated buckets).
  { heads: 2, headDim: 64, lq: 33, lk: 33, t5: { biasLen: 9 } },
  // Queries at positions 30.. of a longer key/value buffer (a KV cache), with and without bias.
  { heads: 2, headDim: 64, lq: 7, lk: 40, qOffset: 30 },
  { heads: 3, headDim: 128, lq: 7, lk: 77, qOffset: 65, t5: {} },
  { heads: 1, headDim: 64, lq: 5, lk: 40, qOffset: 20, kvValid: 30, t5: { biasLen: 9 } },
  // Larger blocks, as a device with 32 KiB of workgroup memory may use.
  { heads: 2, headDim: 128, lq: 33, lk: 40, kvValid: 37, qOffset: 3, t5: {}, blocks: { q: 16, k: 16, workgroupSize: 64 } },
  { heads: 2, headDim: 64, lq: 33, lk: 77, kvValid: 70, blocks: { q: 16, k: 32, workgroupSize: 128 } },
];

function describe(c: Case): string {
  const parts = [`heads ${c.heads}`, `d ${c.headDim}`, `Lq ${c.lq}`, `Lk ${c.lk}`];
  if (c.kvValid !== undefined) parts.push(`${c.kvValid} valid keys`);
  if (c.qOffset !== undefined) parts.push(`q offset ${c.qOffset}`);
  if (c.t5) parts.push(`scale 1 + bias table ${c.t5.biasLen ?? 2 * c.lk - 1}`);
  if (c.blocks) parts.push(`blocks ${c.blocks.q}×${c.blocks.k} over ${c.blocks.workgroupSize} invocations`);
  return parts.join(', ');
}

async function checkAttention(page: Page, c: Case, precision: Precision): Promise<void> {
  const row = c.heads * c.headDim;
  const seed = c.heads * 1000 + c.lq * 100 + c.lk;
  const q = randomValues(c.lq * row, seed + 1, 1, precision);
  const k = randomValues(c.lk * row, seed + 2, 1, precision);
  const v = randomValues(c.lk * row, seed + 3, 1, precision);
  // Padding rows hold NaN: the kernel must never let them reach a valid output.
  const keys = c.kvValid ?? c.lk;
  k.fill(NaN, keys * row);
  v.fill(NaN, keys * row);
  const biasLen = c.t5 ? (c.t5.biasLen ?? 2 * c.lk - 1) : 0;
  const bias = c.t5 ? { values: randomValues(c.heads * biasLen, seed + 4, 3, precision), len: biasLen, center: (biasLen - 1) / 2 } : undefined;
  const params: AttentionParams = {
    heads: c.heads,
    headDim: c.headDim,
    lq: c.lq,
    lk: c.lk,
    kvValid: c.kvValid,
    qOffset: c.qOffset,
    scale: c.t5 ? 1 : 1 / Math.sqrt(c.headDim),
    precision,
    hasBias: !!bias,
    biasLen: bias?.len,
    biasCenter: bias?.center,
    blocks: c.blocks,
  };
  const actual = await runAttention(page, params, { q, k, v, bias });
  // The scale travels as an f32 in the uniform buffer.
  const expected = attention(q, k, v, { ...params, scale: Math.fround(params.scale) }, bias);
  expectClose(actual, expected, precision === 'f16' ? F16_TOLERANCE : TOLERANCE);
}

// Every case in one page, each a step: a fresh page per case cost more than the cases (attention.spec.ts:
// 60 s as one test a case, 36 s as one test, SwiftShader, 2026-12-06).
test('attention f32 on every case', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(HARNESS);
  for (const c of cases) await test.step(describe(c), () => checkAttention(page, c, 'f32'));
});

for (const c of [cases[3]!, cases[8]!, cases[14]!]) {
  test(`attention f16: ${describe(c)}`, async ({ page }) => {
    await page.goto(HARNESS);
    test.skip(!(await hasF16(page)), 'adapter has no shader-f16');
    await checkAttention(page, c, 'f16');
  });
}

test('attention f32 with no valid key gives zeros, not NaN', async ({ page }) => {
  await page.goto(HARNESS);
  const [heads, headDim, lq, lk] = [2, 64, 7, 5];
  const row = heads * headDim;
  const params: AttentionParams = { heads, headDim, lq, lk, kvValid: 0, scale: 0.125, precision: 'f32', hasBias: false };
  const nan = new Array<number>(lk * row).fill(NaN);
  const actual = await runAttention(page, params, { q: randomValues(lq * row, 5), k: nan, v: nan });
  expect(actual.every((value) => value === 0)).toBe(true);
});

test('attention f32 over strided q, k, v and out (slices of wider token rows)', async ({ page }) => {
  await page.goto(HARNESS);
  const [heads, headDim, lq, lk] = [2, 64, 7, 40];
  const row = heads * headDim;
  // Each token row carries 3·row elements (like a fused qkv projection); q, k and v are its thirds.
  const stride = 3 * row;
  const packed = (tokens: number, seed: number) => randomValues(tokens * row, seed);
  const widen = (values: number[], tokens: number, at: number) => {
    const wide = randomValues(tokens * stride, 99);
    for (let t = 0; t < tokens; t++) wide.splice(t * stride + at, row, ...values.slice(t * row, (t + 1) * row));
    return wide;
  };
  const [q, k, v] = [packed(lq, 1), packed(lk, 2), packed(lk, 3)];
  const params: AttentionParams = {
    heads, headDim, lq, lk, scale: 0.125, precision: 'f32', hasBias: false, qStride: stride, kvStride: stride, outStride: stride,
  };
  const actual = await runAttention(page, params, { q: widen(q, lq, 0), k: widen(k, lk, 0), v: widen(v, lk, 0) });
  const expected = attention(q, k, v, { heads, headDim, lq, lk, scale: 0.125 });
  const written = Array.from({ length: lq * row }, (_, i) => actual[Math.floor(i / row) * stride + (i % row)]!);
  expectClose(written, expected, TOLERANCE);
  // Elements between the rows are not written (they stay the fresh buffer's zeros).
  expect(actual.filter((_, i) => i % stride >= row).every((value) => value === 0)).toBe(true);
});
