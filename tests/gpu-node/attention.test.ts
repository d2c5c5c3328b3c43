// shaders/attention.wgsl against the naive float64 reference (src/gpu/reference/attention.ts), in
// f32 and f16 storage, on Dawn + lavapipe. The cases are those of tests/gpu/attention.spec.ts, every
// one at both precisions (the Chromium run has no f16), on the two configurations the models use:
// the DiT's (head size 128, scale 1/√128, no bias) and T5's (head size 64, scale 1, bias table).
//
// Why only those two: lavapipe compiles each attention pipeline through LLVM in 5–25 s of CPU
// (the head size and block loops are unrolled), against well under a second to run all these
// cases. Mesa's shader cache (~/.cache/mesa_shader_cache_db) makes later runs fast, but a cold run
// pays for every configuration × precision. The spec's other combinations (64 without bias, 128
// with bias, larger blocks) change no f16 load or store, and run in f32 in Chromium.
import { expect, test } from 'vitest';
import { attentionKernel, attentionUniforms, type AttentionParams } from '../../src/gpu/ops/attention.ts';
import { attention, type BiasTable } from '../../src/gpu/reference/attention.ts';
import {
  BYTES_PER_ELEMENT,
  expectClose,
  fromStorage,
  PRECISIONS,
  randomValues,
  roundToStorage,
  runKernelNode,
  storedAs,
  toStorage,
  type Tolerance,
} from './helpers.ts';

// Scores, softmax and accumulator are f32 at both precisions; outputs are convex combinations of
// v ∈ [-1, 1], so |out| ≤ 1. f32: dot products of ≤ 128 terms (scores ≲ 20), f32 exp and a running
// sum over ≤ 77 keys: a few ulps of the largest terms, ≈1e-6 absolute; the rtol leaves room for the
// online rescaling. The f16 variant adds the store's rounding (storedAs in ./helpers.ts).
const TOLERANCE: Tolerance = { atol: 2e-5, rtol: 1e-4 };

const CONFIGURATIONS = {
  dit: { headDim: 128, scale: 1 / Math.sqrt(128), hasBias: false },
  t5: { headDim: 64, scale: 1, hasBias: true },
} as const;

interface Case {
  style: keyof typeof CONFIGURATIONS;
  heads: number;
  lq: number;
  lk: number;
  kvValid?: number;
  qOffset?: number;
  /** Bias table entries per head (t5 only): default 2·lk − 1, every offset exact. */
  biasLen?: number;
  /** Causal by chunk (Self-Forcing): tokens per chunk. */
  chunkTokens?: number;
}

const cases: Case[] = [
  // Self-attention.
  { style: 'dit', heads: 1, lq: 1, lk: 1 },
  { style: 'dit', heads: 2, lq: 33, lk: 33 },
  { style: 'dit', heads: 3, lq: 7, lk: 7 },
  { style: 't5', heads: 3, lq: 33, lk: 33 },
  // Cross-attention: Lq ≠ Lk in both directions.
  { style: 'dit', heads: 3, lq: 7, lk: 77 },
  { style: 'dit', heads: 2, lq: 33, lk: 5 },
  { style: 'dit', heads: 1, lq: 1, lk: 40 },
  { style: 't5', heads: 2, lq: 33, lk: 40 },
  // Key padding mask: a partial last tile, a tail of several whole tiles, most of a long buffer.
  { style: 'dit', heads: 2, lq: 7, lk: 40, kvValid: 21 },
  { style: 'dit', heads: 1, lq: 33, lk: 77, kvValid: 3 },
  { style: 'dit', heads: 2, lq: 33, lk: 77, kvValid: 70 },
  { style: 't5', heads: 2, lq: 7, lk: 7, kvValid: 5 },
  // A narrow table: offsets beyond ±4 clamp to the end entries (T5's saturated buckets).
  { style: 't5', heads: 2, lq: 33, lk: 33, biasLen: 9 },
  // Queries at positions qOffset.. of a longer key/value buffer (a KV cache), with and without bias.
  { style: 'dit', heads: 2, lq: 7, lk: 40, qOffset: 30 },
  { style: 't5', heads: 3, lq: 7, lk: 77, qOffset: 65 },
  { style: 't5', heads: 1, lq: 5, lk: 40, qOffset: 20, kvValid: 30, biasLen: 9 },
  { style: 't5', heads: 2, lq: 33, lk: 40, kvValid: 37, qOffset: 3 },
  // Causal by chunk (a uniform, so no new pipeline): chunks not aligned with the 8-query blocks; a
  // chunk after a KV cache of earlier chunks; with padding; with T5's bias.
  { style: 'dit', heads: 2, lq: 33, lk: 33, chunkTokens: 12 },
  { style: 'dit', heads: 1, lq: 10, lk: 40, qOffset: 30, chunkTokens: 10 },
  { style: 'dit', heads: 2, lq: 24, lk: 40, qOffset: 16, kvValid: 36, chunkTokens: 8 },
  { style: 't5', heads: 2, lq: 33, lk: 33, chunkTokens: 5 },
];

function describe(c: Case): string {
  const parts = [c.style, `heads ${c.heads}`, `Lq ${c.lq}`, `Lk ${c.lk}`];
  if (c.kvValid !== undefined) parts.push(`${c.kvValid} valid keys`);
  if (c.qOffset !== undefined) parts.push(`q offset ${c.qOffset}`);
  if (c.style === 't5') parts.push(`bias table ${c.biasLen ?? 2 * c.lk - 1}`);
  if (c.chunkTokens !== undefined) parts.push(`causal by chunks of ${c.chunkTokens}`);
  return parts.join(', ');
}

interface Inputs {
  q: ArrayLike<number>;
  k: ArrayLike<number>;
  v: ArrayLike<number>;
  bias?: BiasTable;
}

/** One dispatch; returns `out` (lq rows of outStride) as numbers. */
async function runAttention(params: AttentionParams, { q, k, v, bias }: Inputs): Promise<Float32Array> {
  const { precision } = params;
  const outStride = params.outStride ?? params.heads * params.headDim;
  const { out } = await runKernelNode(attentionKernel, params, {
    params: attentionUniforms(params),
    q: toStorage(q, precision),
    k: toStorage(k, precision),
    v: toStorage(v, precision),
    bias: toStorage(bias?.values ?? [0], precision),
    out: { bytes: params.lq * outStride * BYTES_PER_ELEMENT[precision] },
  });
  return fromStorage(out, precision);
}

for (const precision of PRECISIONS) {
  for (const c of cases) {
    test(`attention ${precision}: ${describe(c)}`, async () => {
      const { style, biasLen: len = 2 * c.lk - 1, ...shape } = c;
      const configuration = CONFIGURATIONS[style];
      const row = c.heads * configuration.headDim;
      const seed = c.heads * 1000 + c.lq * 100 + c.lk;
      const q = roundToStorage(randomValues(c.lq * row, seed + 1), precision);
      const k = roundToStorage(randomValues(c.lk * row, seed + 2), precision);
      const v = roundToStorage(randomValues(c.lk * row, seed + 3), precision);
      // Padding rows hold NaN: the kernel must never let them reach a valid output.
      k.fill(NaN, (c.kvValid ?? c.lk) * row);
      v.fill(NaN, (c.kvValid ?? c.lk) * row);
      const values = roundToStorage(randomValues(c.heads * len, seed + 4, -3, 3), precision);
      const bias = configuration.hasBias ? { values, len, center: (len - 1) / 2 } : undefined;
      const params: AttentionParams = { ...shape, ...configuration, precision, biasLen: bias?.len, biasCenter: bias?.center };
      const actual = await runAttention(params, { q, k, v, bias });
      // The scale travels as an f32 in the uniform buffer.
      expectClose(actual, attention(q, k, v, { ...params, scale: Math.fround(params.scale) }, bias), storedAs(precision, TOLERANCE));
    });
  }

  // Both on the DiT's pipeline (compiled above already).
  const dit = CONFIGURATIONS.dit;
  const ditRow = 2 * dit.headDim;

  test(`attention ${precision} with no valid key gives zeros, not NaN`, async () => {
    const params: AttentionParams = { ...dit, heads: 2, lq: 7, lk: 5, kvValid: 0, precision };
    const nan = new Float32Array(params.lk * ditRow).fill(NaN);
    const actual = await runAttention(params, { q: randomValues(params.lq * ditRow, 5), k: nan, v: nan });
    expect(actual.every((value) => value === 0)).toBe(true);
  });

  test(`attention ${precision} over strided q, k, v and out (slices of wider token rows)`, async () => {
    // Each token row carries 3·row elements (like a fused qkv projection); q, k, v and out sit at
    // its start, the rest is filler (±100, loud if read) the kernel must neither read nor write.
    const stride = 3 * ditRow;
    const params: AttentionParams = { ...dit, heads: 2, lq: 7, lk: 40, precision, qStride: stride, kvStride: stride, outStride: stride };
    const packed = (tokens: number, seed: number) => roundToStorage(randomValues(tokens * ditRow, seed), precision);
    const widen = (values: Float32Array, tokens: number) => {
      const wide = Float32Array.from(randomValues(tokens * stride, 99, -100, 100));
      for (let t = 0; t < tokens; t++) wide.set(values.subarray(t * ditRow, (t + 1) * ditRow), t * stride);
      return wide;
    };
    const [q, k, v] = [packed(params.lq, 1), packed(params.lk, 2), packed(params.lk, 3)];
    const actual = await runAttention(params, { q: widen(q, params.lq), k: widen(k, params.lk), v: widen(v, params.lk) });
    const written = Float32Array.from({ length: params.lq * ditRow }, (_, i) => actual[Math.floor(i / ditRow) * stride + (i % ditRow)]!);
    expectClose(written, attention(q, k, v, { ...params, scale: Math.fround(dit.scale) }), storedAs(precision, TOLERANCE));
    // Elements between the rows are not written (they stay the fresh buffer's zeros).
    expect(actual.filter((_, i) => i % stride >= ditRow).every((value) => value === 0)).toBe(true);
  });
}
