// The model's layers as calls on a ForwardRecorder: each takes tensors, records its kernel(s), and
// returns a new pooled tensor (or updates one in place, as residual adds do). Shapes follow the
// PyTorch twin: activations are row-major (tokens, features); Linear weights are (out, in).
import { attentionKernel, attentionUniforms } from '../gpu/ops/attention.ts';
import { siluKernel } from '../gpu/ops/activations.ts';
import { addKernel, geluTanhMulKernel } from '../gpu/ops/elementwise.ts';
import { DEFAULT_MATMUL_TILE, matmulGatedResidualKernel, matmulKernel, matmulUniforms, type MatmulEpilogue, type MatmulParams, type MatmulTile } from '../gpu/ops/matmul.ts';
import { matmulInt8GatedResidualKernel, matmulInt8Kernel } from '../gpu/ops/matmul_int8.ts';
import { castToStorageKernel } from '../gpu/ops/cast.ts';
import { lnModulateF32Kernel, lnModulateKernel, type ModulateParams } from '../gpu/ops/modulate.ts';
import { layerNormAffineKernel, layerNormKernel, rmsNormKernel } from '../gpu/ops/norm.ts';
import { ropeKernel, ropeUniforms } from '../gpu/ops/rope.ts';
import { elementCount, tensorView, type DType, type Tensor } from '../gpu/tensor.ts';
import type { Constants } from './constants.ts';
import type { ForwardRecorder } from './recorder.ts';

const rows = (t: Tensor) => t.shape[0]!;
const width = (t: Tensor) => t.shape[t.shape.length - 1]!;

/** A slice of a vector tensor, e.g. one (dim) chunk of a (6, dim) modulation. */
export function chunk(t: Tensor, index: number, size: number): Tensor {
  const bytes = t.byteSize / elementCount(t.shape);
  return tensorView(t.buffer, [size], t.dtype, t.offset + index * size * bytes);
}

/** A Linear weight (N, K): one tensor, or blocks of whole rows when it exceeds a binding. */
export type FloatMatrix = Tensor | readonly Tensor[];

/**
 * A Linear weight (N, K) in int8 with a scale per row (src/gpu/int8.ts): blocks of whole rows,
 * each (rows, ⌈K/4⌉) packed words (the tensor's dtype only sizes its 4-byte elements), and the
 * f32 scales of all N rows in one vector.
 */
export interface Int8Matrix {
  readonly int8: readonly Tensor[];
  readonly scales: Tensor;
  /** K: the packed rows hold ⌈K/4⌉ words. */
  readonly columns: number;
}

export type Matrix = FloatMatrix | Int8Matrix;

const isInt8 = (w: Matrix): w is Int8Matrix => 'int8' in w;
const blocksOf = (w: Matrix): readonly Tensor[] => (isInt8(w) ? w.int8 : 'shape' in w ? [w] : w);
const rowsOf = (w: Matrix) => blocksOf(w).reduce((sum, block) => sum + rows(block), 0);
const columnsOf = (w: Matrix, block: Tensor) => (isInt8(w) ? w.columns : width(block));

/**
 * The tile for M rows: the default 64-row tile wastes most of its work when x has a few rows (a
 * prompt's tokens through umT5, a test clip's latents), so up to 16 rows take a 16-row tile. The
 * sum over K runs in the same order either way, so results do not depend on the choice.
 */
export function tileFor(m: number): MatmulTile {
  return m <= SHORT_TILE.m ? SHORT_TILE : DEFAULT_MATMUL_TILE;
}
const SHORT_TILE: MatmulTile = { m: 16, n: 64, k: 16 };

/** One matmul per row block of w, each writing its own columns of the (M, N) output. */
function eachBlock(x: Tensor, w: Matrix, b: Tensor | null, run: (params: MatmulParams, block: Tensor) => void): void {
  const n = rowsOf(w);
  let nOffset = 0;
  for (const block of blocksOf(w)) {
    const m = elementCount(x.shape) / width(x);
    // Int8 blocks hold no float type; the precision is that of x (and b and y).
    run({ m, n: rows(block), k: columnsOf(w, block), precision: isInt8(w) ? x.dtype : block.dtype, hasBias: b !== null, yStride: n, nOffset, tile: tileFor(m) }, block);
    nOffset += rows(block);
  }
}

/** y = act(x·wᵀ + b): x (M, K), w (N, K) → y (M, N). */
export function linear(r: ForwardRecorder, x: Tensor, w: Matrix, b: Tensor | null, epilogue: MatmulEpilogue = 'none'): Tensor {
  const y = r.tensor([elementCount(x.shape) / width(x), rowsOf(w)], x.dtype);
  eachBlock(x, w, b, (base, block) => {
    const params = { ...base, epilogue };
    const uniforms = r.uniform(matmulUniforms(params));
    if (isInt8(w)) r.run(matmulInt8Kernel, params, { params: uniforms, x, q: block, scales: w.scales, b: b ?? w.scales, y });
    else r.run(matmulKernel, params, { params: uniforms, x, w: block, b: b ?? block, y });
  });
  return y;
}

/**
 * y = x·wᵀ + b with y in f32 whatever the weights' precision: for values that live in the f32
 * residual stream (the patch embedding, timestep terms, the head before unpatchify). Computed as
 * the gated residual 0 + 1 ⊙ (x·wᵀ + b), which is exact in f32.
 */
export function linearToF32(r: ForwardRecorder, x: Tensor, w: Matrix, b: Tensor | null, constants: Constants): Tensor {
  const y = r.tensor([elementCount(x.shape) / width(x), rowsOf(w)], 'f32');
  r.zero(y);
  linearGatedResidual(r, y, x, w, b, constants.ones(rowsOf(w)));
  return y;
}

/**
 * x in the storage type `dtype`: x itself when it already is, else a converted copy. Free the
 * result with `releaseCopy` so that x is never released twice.
 */
export function toStorage(r: ForwardRecorder, x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const y = r.tensor(x.shape, dtype);
  r.run(castToStorageKernel, { length: elementCount(x.shape), precision: dtype }, { x, y });
  return y;
}

export function releaseCopy(r: ForwardRecorder, copy: Tensor, original: Tensor): void {
  if (copy !== original) r.free(copy);
}

/** residual += gate ⊙ (x·wᵀ + b), in place; residual and gate are f32 (the residual stream). */
export function linearGatedResidual(r: ForwardRecorder, residual: Tensor, x: Tensor, w: Matrix, b: Tensor | null, gate: Tensor): void {
  eachBlock(x, w, b, (params, block) => {
    const uniforms = r.uniform(matmulUniforms(params));
    if (isInt8(w)) r.run(matmulInt8GatedResidualKernel, params, { params: uniforms, x, q: block, scales: w.scales, b: b ?? w.scales, gate, residual });
    else r.run(matmulGatedResidualKernel, params, { params: uniforms, x, w: block, b: b ?? block, gate, residual });
  });
}

/** LayerNorm over the last dim, without affine or with (weight, bias). */
export function layerNorm(r: ForwardRecorder, x: Tensor, eps: number, affine?: { weight: Tensor; bias: Tensor }): Tensor {
  const y = r.tensor(x.shape, x.dtype);
  const params = { groups: rows(x), groupSize: width(x), eps, precision: x.dtype };
  if (affine) r.run(layerNormAffineKernel, params, { x, y, weight: affine.weight, bias: affine.bias });
  else r.run(layerNormKernel, params, { x, y });
  return y;
}

/** RMSNorm over the last dim with a learned weight (T5's norms, Wan's q/k norm over the full dim). */
export function rmsNorm(r: ForwardRecorder, x: Tensor, weight: Tensor, eps: number): Tensor {
  const y = r.tensor(x.shape, x.dtype);
  r.run(rmsNormKernel, { groups: rows(x), groupSize: width(x), eps, precision: x.dtype }, { x, y, weight });
  return y;
}

export interface Modulation {
  /** Per-step term: e0 (chunks, dim), or e (dim) broadcast to every chunk. */
  e: Tensor;
  /** The layer's learned (1, chunks, dim) table. */
  table: Tensor;
  chunks: number;
  shift: number;
  scale: number;
  eBroadcast?: boolean;
}

/**
 * LayerNorm(x)·(1 + scale) + shift with shift, scale = (table + e)[chunk], written in `dtype`.
 * x, e and the table are f32 (the residual stream); with f16 storage the output is f16.
 */
export function lnModulate(r: ForwardRecorder, x: Tensor, m: Modulation, eps: number, dtype: DType): Tensor {
  const y = r.tensor(x.shape, dtype);
  const params: ModulateParams = {
    rows: rows(x), dim: width(x), chunks: m.chunks, shiftChunk: m.shift, scaleChunk: m.scale,
    eBroadcast: m.eBroadcast ?? false, eps, precision: dtype,
  };
  r.run(dtype === 'f32' ? lnModulateKernel : lnModulateF32Kernel, params, { x, y, e: m.e, modulation: m.table });
  return y;
}

export interface AttentionShape {
  heads: number;
  headDim: number;
  /** 1/√headDim in the DiT; 1 in T5. */
  scale: number;
  /** Keys that take part (the prompt's length): the rest are padding. */
  kvValid?: number;
  /** Relative-position bias table (heads, 2·Lk − 1), entry Lk − 1 = offset 0. */
  bias?: Tensor;
  /** Position of query 0 among the keys (a chunk after a KV cache of earlier ones). */
  qOffset?: number;
  /** Causal by chunk: tokens per chunk (see ../gpu/ops/attention.ts). */
  chunkTokens?: number;
}

/** softmax(q·kᵀ·scale + bias)·v per head: q (Lq, heads·d), k and v (Lk, heads·d) → (Lq, heads·d). */
export function attention(r: ForwardRecorder, q: Tensor, k: Tensor, v: Tensor, s: AttentionShape): Tensor {
  const out = r.tensor(q.shape, q.dtype);
  const params = {
    heads: s.heads, headDim: s.headDim, lq: rows(q), lk: rows(k), kvValid: s.kvValid, scale: s.scale, qOffset: s.qOffset, chunkTokens: s.chunkTokens,
    precision: q.dtype, hasBias: s.bias !== undefined,
  };
  r.run(attentionKernel, params, { params: r.uniform(attentionUniforms(params)), q, k, v, bias: s.bias ?? q, out });
  return out;
}

/** 3D RoPE in place on x (L, heads·d) over an F×H×W token grid; table from ropeTable(). */
export function rope(r: ForwardRecorder, x: Tensor, table: Tensor, grid: { frames: number; height: number; width: number; heads: number; headDim: number; frameOffset?: number }): void {
  const { frameOffset, ...shape } = grid;
  // The offset goes in a uniform, so every chunk of a clip shares one compiled pipeline.
  r.run(ropeKernel, { ...shape, precision: x.dtype }, { x, table, params: r.uniform(ropeUniforms({ frameOffset })) });
}

export function add(r: ForwardRecorder, a: Tensor, b: Tensor): Tensor {
  const y = r.tensor(a.shape, a.dtype);
  r.run(addKernel, { length: elementCount(a.shape), precision: a.dtype }, { a, b, y });
  return y;
}

export function silu(r: ForwardRecorder, x: Tensor): Tensor {
  const y = r.tensor(x.shape, x.dtype);
  r.run(siluKernel, { length: elementCount(x.shape), precision: x.dtype }, { x, y });
  return y;
}

/** a · gelu_tanh(b): T5's gated FFN. */
export function geluTanhMul(r: ForwardRecorder, a: Tensor, b: Tensor): Tensor {
  const y = r.tensor(a.shape, a.dtype);
  r.run(geluTanhMulKernel, { length: elementCount(a.shape), precision: a.dtype }, { a, b, y });
  return y;
}
