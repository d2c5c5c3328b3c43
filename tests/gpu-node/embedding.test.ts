// shaders/embedding.wgsl against its references (src/gpu/reference/embedding.ts), in f32 and f16
// storage, on Dawn + lavapipe: the kernel cases of tests/gpu/embedding.spec.ts at both precisions.
// Timesteps stay f32 and token ids u32 at either precision; tables and outputs are T.
import { test } from 'vitest';
import { gatherKernel, relativeBiasKernel, timestepEmbeddingKernel } from '../../src/gpu/ops/embedding.ts';
import { gather, relativeBias, timestepEmbedding } from '../../src/gpu/reference/embedding.ts';
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
} from './helpers.ts';

// The timestep embedding is f32 against Wan's float64: the angle t·ω (up to 1000 rad) carries the
// f32 rounding of the product and of ω (a few ulps), up to ≈1.3e-4 rad at t ≈ 1000; values are in
// [−1, 1]. f16 adds the store's rounding (storedAs in ./helpers.ts).
const TIMESTEP_TOLERANCE = { atol: 3e-4, rtol: 0 };
// The bias lookup and the gather copy values: exact at either precision.
const EXACT = { atol: 0, rtol: 0 };

const timestepCases = [
  { label: 'Self-Forcing timesteps, freq_dim 256', t: [0, 1, 250, 625, 833.3333, 937.5, 999, 1000], freqDim: 256 },
  { label: 'odd count, freq_dim 10', t: [0.5, 17, 401.25], freqDim: 10 },
];

const biasCases = [
  { label: 'exact buckets only', heads: 3, lq: 5, lk: 7 },
  // One query against 200 keys and 200 queries against one key: every bucket of both halves.
  { label: 'keys after the query, past max distance', heads: 2, lq: 1, lk: 200 },
  { label: 'keys before the query, past max distance', heads: 2, lq: 200, lk: 1 },
  { label: 'unidirectional, 16 buckets, distance 40', heads: 2, lq: 60, lk: 3, numBuckets: 16, maxDistance: 40, bidirectional: false },
];

const gatherCases = [
  { label: '7 ids of a 10 × 5 table', dim: 5, ids: [3, 0, 9, 3, 7, 1, 2], rows: 10 },
  // Ids outside the shard leave their rows as they were (zero: new buffers are zeroed).
  { label: 'one shard (rows 4 … 7) of a split table', dim: 3, ids: [3, 4, 9, 7, 5, 8], rows: 4, rowBegin: 4, rowEnd: 8 },
];

for (const precision of PRECISIONS) {
  const bytes = (length: number) => ({ bytes: length * BYTES_PER_ELEMENT[precision] });

  for (const c of timestepCases) {
    test(`timestep_embedding ${precision}, ${c.label}`, async () => {
      const t = Float32Array.from(c.t);
      const { embedding } = await runKernelNode(
        timestepEmbeddingKernel,
        { count: t.length, freqDim: c.freqDim, precision },
        { t, embedding: bytes(t.length * c.freqDim) },
      );
      expectClose(fromStorage(embedding, precision), timestepEmbedding(t, c.freqDim), storedAs(precision, TIMESTEP_TOLERANCE));
    });
  }

  for (const c of biasCases) {
    test(`relative_bias ${precision}, ${c.label} (${c.heads} heads, ${c.lq} × ${c.lk})`, async () => {
      const table = roundToStorage(randomValues((c.numBuckets ?? 32) * c.heads, 11), precision);
      const { bias } = await runKernelNode(relativeBiasKernel, { ...c, precision }, { table: toStorage(table, precision), bias: bytes(c.heads * c.lq * c.lk) });
      expectClose(fromStorage(bias, precision), relativeBias(table, c.heads, c.lq, c.lk, c), EXACT);
    });
  }

  for (const c of gatherCases) {
    test(`gather ${precision}, ${c.label}`, async () => {
      const table = roundToStorage(randomValues(c.rows * c.dim, 12), precision);
      const { out } = await runKernelNode(
        gatherKernel,
        { count: c.ids.length, dim: c.dim, rowBegin: c.rowBegin, rowEnd: c.rowEnd, precision },
        { ids: Uint32Array.from(c.ids), out: bytes(c.ids.length * c.dim), table: toStorage(table, precision) },
      );
      expectClose(fromStorage(out, precision), gather(c.ids, table, c.dim, c), EXACT);
    });
  }
}
