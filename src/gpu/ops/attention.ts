// Fused attention with an online softmax (shaders/attention.wgsl); CPU reference in
// ../reference/attention.ts.
//
// Sequence lengths, strides, the key padding mask, the query offset, the bias table's geometry and
// the scale reach the shader in a uniform buffer (binding `params`, filled from
// `attentionUniforms`), so one pipeline serves every length; head size, block shape, the bias
// flag and precision are override constants.
import source from '../../../shaders/attention.wgsl?raw';
import { defineKernel, type Precision } from '../kernel.ts';

export interface AttentionBlocks {
  /** Queries per workgroup. */
  q: number;
  /** Keys per tile staged in workgroup memory. */
  k: number;
  /** Invocations per workgroup: a multiple of `q`; each query row is shared by workgroupSize / q. */
  workgroupSize: number;
}

export interface AttentionParams {
  heads: number;
  /** Elements per head: 64 and 128 are the models' sizes; any multiple of 4 up to 128 works. */
  headDim: number;
  /** Queries. */
  lq: number;
  /** Rows of the key and value buffers. */
  lk: number;
  /** Keys that take part: the first kvValid rows; the rest are padding (the key padding mask). Default lk. */
  kvValid?: number;
  /** Absolute position of query 0 among the keys (a KV cache longer than the queries). Default 0. */
  qOffset?: number;
  /**
   * Causal by chunk: tokens per chunk (Self-Forcing's frames per chunk × tokens per frame). The
   * query at absolute position p (qOffset + i) sees keys before the end of its chunk only. Default
   * 0: no mask.
   */
  chunkTokens?: number;
  /** Multiplies q·k: 1/√headDim for the DiT, 1 for the T5 encoder. */
  scale: number;
  precision: Precision;
  /**
   * Whether a relative-position bias table is added: bias[h·biasLen + clamp(biasCenter + j − (qOffset + i))]
   * (see the shader's header). Without it, bind any buffer of at least 4 bytes as bias.
   */
  hasBias: boolean;
  /** Entries per head of the bias table. Default 2·lk − 1. */
  biasLen?: number;
  /** Entry of relative position 0. Default lk − 1 (so the default table covers every δ exactly). */
  biasCenter?: number;
  /** Elements between consecutive tokens; default heads·headDim (a Linear's output as it is). */
  qStride?: number;
  kvStride?: number;
  outStride?: number;
  blocks?: AttentionBlocks;
}

/**
 * Fits WebGPU's default 16 KiB of workgroup memory at head size 128: staged q, k and v tiles are
 * (q + 2k)·headDim f32 values. Devices with more may pass larger blocks.
 */
export function defaultAttentionBlocks(headDim: number): AttentionBlocks {
  return headDim <= 64 ? { q: 16, k: 16, workgroupSize: 64 } : { q: 8, k: 8, workgroupSize: 64 };
}

/** Workgroup memory the kernel uses with these blocks, to check against the device's limit. */
export function attentionWorkgroupBytes(headDim: number, blocks: AttentionBlocks): number {
  return 4 * ((blocks.q + 2 * blocks.k) * headDim + blocks.q * blocks.k + 3 * blocks.q);
}

/** The shader's register budget per invocation (MAX_VEC4_PER_THREAD in the WGSL). */
const MAX_VEC4_PER_THREAD = 8;

function checkedBlocks(p: AttentionParams): AttentionBlocks {
  const blocks = p.blocks ?? defaultAttentionBlocks(p.headDim);
  const threadsPerQuery = blocks.workgroupSize / blocks.q;
  const vec4PerRow = p.headDim / 4;
  const fits =
    p.headDim % 4 === 0 &&
    Number.isInteger(threadsPerQuery) &&
    vec4PerRow % threadsPerQuery === 0 &&
    vec4PerRow / threadsPerQuery <= MAX_VEC4_PER_THREAD;
  if (!fits) {
    throw new Error(
      `attention blocks ${JSON.stringify(blocks)} do not fit head size ${p.headDim}: need headDim % 4 = 0, ` +
        `workgroupSize a multiple of q, and headDim/4 split evenly over workgroupSize/q invocations, ≤ ${MAX_VEC4_PER_THREAD} vec4 each`,
    );
  }
  return blocks;
}

/** The contents of the `params` uniform buffer (see struct Params in the shader), 48 bytes. */
export function attentionUniforms(p: AttentionParams): Uint32Array<ArrayBuffer> {
  const rowLength = p.heads * p.headDim;
  const biasLen = p.biasLen ?? 2 * p.lk - 1;
  if (p.hasBias && biasLen < 1) throw new Error('attention bias table needs at least one entry per head');
  const words = new Uint32Array(12);
  words.set([
    p.lq,
    p.lk,
    Math.min(p.kvValid ?? p.lk, p.lk),
    p.qOffset ?? 0,
    p.qStride ?? rowLength,
    p.kvStride ?? rowLength,
    p.outStride ?? rowLength,
    biasLen,
    p.biasCenter ?? p.lk - 1,
  ]);
  new Float32Array(words.buffer, 9 * 4, 1)[0] = p.scale;
  words[10] = p.chunkTokens ?? 0;
  return words;
}

export const attentionKernel = defineKernel({
  name: 'attention',
  code: source,
  entryPoint: 'attention',
  bindings: [
    ['params', 'uniform'],
    ['q', 'read-only-storage'],
    ['k', 'read-only-storage'],
    ['v', 'read-only-storage'],
    ['bias', 'read-only-storage'],
    ['out', 'storage'],
  ] as const,
  precision: (p: AttentionParams) => p.precision,
  overrides: (p: AttentionParams) => {
    const blocks = checkedBlocks(p);
    return {
      HEAD_DIM: p.headDim,
      BLOCK_Q: blocks.q,
      BLOCK_K: blocks.k,
      WORKGROUP_SIZE: blocks.workgroupSize,
      HAS_BIAS: p.hasBias ? 1 : 0,
    };
  },
  grid: (p: AttentionParams) => [Math.ceil(p.lq / checkedBlocks(p).q), p.heads],
});

/** Floating-point operations of one call (q·k and p·v), for GFLOP/s figures. */
export function attentionFlops(p: Pick<AttentionParams, 'heads' | 'headDim' | 'lq' | 'lk' | 'kvValid'>): number {
  return 4 * p.heads * p.lq * Math.min(p.kvValid ?? p.lk, p.lk) * p.headDim;
}
