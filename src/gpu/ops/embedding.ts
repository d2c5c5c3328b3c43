// Timestep embedding, T5 relative position bias and embedding gather (shaders/embedding.wgsl);
// CPU references in ../reference/embedding.ts.
import source from '../../../shaders/embedding.wgsl?raw';
import { defineKernel, grid2d, type Precision } from '../kernel.ts';

const DEFAULT_WORKGROUP_SIZE = 64;
const perElement = (count: number, workgroupSize = DEFAULT_WORKGROUP_SIZE) => grid2d(Math.ceil(count / workgroupSize));

export interface TimestepEmbeddingParams {
  /** Number of timesteps (1, or one per frame). */
  count: number;
  /** Embedding width, even (Wan: 256). */
  freqDim: number;
  /** Of the output; the timesteps are always f32. */
  precision: Precision;
  workgroupSize?: number;
}

/** t (count) f32 → (count, freqDim) of type T, [cos | sin] as Wan's sinusoidal_embedding_1d. */
export const timestepEmbeddingKernel = defineKernel({
  name: 'embedding.timestep_embedding',
  code: source,
  entryPoint: 'timestep_embedding',
  bindings: [
    ['t', 'read-only-storage'],
    ['embedding', 'storage'],
  ] as const,
  precision: (p: TimestepEmbeddingParams) => p.precision,
  overrides: (p: TimestepEmbeddingParams) => {
    if (p.freqDim % 2) throw new Error(`timestep embedding: freqDim ${p.freqDim} is odd`);
    return { WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE, COUNT: p.count, FREQ_DIM: p.freqDim };
  },
  grid: (p: TimestepEmbeddingParams) => perElement(p.count * p.freqDim, p.workgroupSize),
});

export interface RelativeBiasParams {
  heads: number;
  /** Query and key lengths. */
  lq: number;
  lk: number;
  /** T5 / umT5: 32 buckets, max distance 128, bidirectional in the encoder. */
  numBuckets?: number;
  maxDistance?: number;
  bidirectional?: boolean;
  precision: Precision;
  workgroupSize?: number;
}

/** table (numBuckets, heads) → bias (heads, lq, lk), T5's relative_attention_bias lookup. */
export const relativeBiasKernel = defineKernel({
  name: 'embedding.relative_bias',
  code: source,
  entryPoint: 'relative_bias',
  bindings: [
    ['table', 'read-only-storage'],
    ['bias', 'storage'],
  ] as const,
  precision: (p: RelativeBiasParams) => p.precision,
  overrides: (p: RelativeBiasParams) => ({
    WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE,
    HEADS: p.heads,
    LQ: p.lq,
    LK: p.lk,
    NUM_BUCKETS: p.numBuckets ?? 32,
    MAX_DISTANCE: p.maxDistance ?? 128,
    BIDIRECTIONAL: (p.bidirectional ?? true) ? 1 : 0,
  }),
  grid: (p: RelativeBiasParams) => perElement(p.heads * p.lq * p.lk, p.workgroupSize),
});

export interface GatherParams {
  /** Number of ids (tokens). */
  count: number;
  /** Row width of the table. */
  dim: number;
  /** The bound table holds rows rowBegin … rowEnd − 1 (a shard); ids outside are skipped. */
  rowBegin?: number;
  rowEnd?: number;
  precision: Precision;
  workgroupSize?: number;
}

/** ids (count) u32 → out (count, dim) of type T: out[n] = table[ids[n] − rowBegin]. */
export const gatherKernel = defineKernel({
  name: 'embedding.gather',
  code: source,
  entryPoint: 'gather',
  bindings: [
    ['ids', 'read-only-storage'],
    ['out', 'storage'],
    ['table', 'read-only-storage'],
  ] as const,
  precision: (p: GatherParams) => p.precision,
  overrides: (p: GatherParams) => ({
    WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE,
    COUNT: p.count,
    DIM: p.dim,
    ROW_BEGIN: p.rowBegin ?? 0,
    ROW_END: p.rowEnd ?? 0xffffffff,
  }),
  grid: (p: GatherParams) => perElement(p.count * p.dim, p.workgroupSize),
});
