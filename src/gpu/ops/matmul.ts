// Tiled matrix product with fused epilogues (shaders/matmul.wgsl); CPU references in
// ../reference/matmul.ts.
//
// Sizes reach the shader in a uniform buffer (binding `params`, filled from `matmulUniforms`), so
// one pipeline serves every shape; only the tile shape, epilogue, bias flag and precision are
// compiled in as override constants.
import source from '../../../shaders/matmul.wgsl?raw';
import { BYTES_PER_ELEMENT, defineKernel, type Precision } from '../kernel.ts';

export type MatmulEpilogue = 'none' | 'gelu_tanh' | 'silu';

const EPILOGUE_CODE: Record<MatmulEpilogue, number> = { none: 0, gelu_tanh: 1, silu: 2 };

export interface MatmulTile {
  /** Output rows and columns per workgroup: multiples of 4 (the shader's per-invocation block). */
  m: number;
  n: number;
  /** Depth of the slabs staged in workgroup memory per step. */
  k: number;
}

/** 16×16 invocations, 4×4 outputs each; two 64×16 f32 slabs = 8 KiB of workgroup memory. */
export const DEFAULT_MATMUL_TILE: MatmulTile = { m: 64, n: 64, k: 16 };

export interface MatmulParams {
  /** Rows of x and y. */
  m: number;
  /** Rows of w: output columns computed by this call. */
  n: number;
  /** Columns of x and w. */
  k: number;
  precision: Precision;
  /** Whether b is added; without it, bind any buffer of at least 4 bytes as b. */
  hasBias: boolean;
  /** Activation applied by `matmulKernel` (ignored by the gated residual kernel). Default none. */
  epilogue?: MatmulEpilogue;
  /**
   * Elements between rows of y (and of the residual). Default n. With a weight split by rows,
   * each part writes columns [nOffset, nOffset + n) of a y whose rows are yStride long.
   */
  yStride?: number;
  /** First output column of this call in y, b and gate. Default 0. */
  nOffset?: number;
  tile?: MatmulTile;
}

/** The contents of the `params` uniform buffer: m, n, k, y_stride, n_offset (u32), padded to 32 bytes. */
export function matmulUniforms(p: MatmulParams): Uint32Array<ArrayBuffer> {
  return Uint32Array.of(p.m, p.n, p.k, p.yStride ?? p.n, p.nOffset ?? 0, 0, 0, 0);
}

/** The tile of `p`, checked: m and n multiples of 4, k a multiple of `kMultiple` (4 for int8 words). */
function checkedTile(p: MatmulParams, kMultiple = 1): MatmulTile {
  const tile = p.tile ?? DEFAULT_MATMUL_TILE;
  if (tile.m % 4 || tile.n % 4 || tile.k < kMultiple || tile.k % kMultiple) {
    throw new Error(`matmul tile ${JSON.stringify(tile)}: m and n must be multiples of 4${kMultiple > 1 ? `, k of ${kMultiple} (whole packed words)` : ''}`);
  }
  return tile;
}

/** The override constants of a matmul pipeline (shared by ./matmul_int8.ts, whose K tile holds whole words). */
export function matmulOverrides(p: MatmulParams, kMultiple = 1): Record<string, number> {
  const tile = checkedTile(p, kMultiple);
  return {
    TILE_M: tile.m,
    TILE_N: tile.n,
    TILE_K: tile.k,
    EPILOGUE: EPILOGUE_CODE[p.epilogue ?? 'none'],
    HAS_BIAS: p.hasBias ? 1 : 0,
  };
}

/** Workgroups: one per output tile. */
export function matmulGrid(p: MatmulParams): readonly [number, number] {
  const tile = p.tile ?? DEFAULT_MATMUL_TILE;
  return [Math.ceil(p.n / tile.n), Math.ceil(p.m / tile.m)];
}

const overrides = (p: MatmulParams) => matmulOverrides(p);
const grid = matmulGrid;

/** y = act(x·wᵀ + b); y is T. */
export const matmulKernel = defineKernel({
  name: 'matmul',
  code: source,
  entryPoint: 'matmul',
  bindings: [
    ['params', 'uniform'],
    ['x', 'read-only-storage'],
    ['w', 'read-only-storage'],
    ['b', 'read-only-storage'],
    ['y', 'storage'],
  ] as const,
  precision: (p: MatmulParams) => p.precision,
  overrides,
  grid,
});

/** residual ← residual + gate ⊙ (x·wᵀ + b), in place; residual and gate are f32 at either precision. */
export const matmulGatedResidualKernel = defineKernel({
  name: 'matmul_gated_residual',
  code: source,
  entryPoint: 'matmul_gated_residual',
  bindings: [
    ['params', 'uniform'],
    ['x', 'read-only-storage'],
    ['w', 'read-only-storage'],
    ['b', 'read-only-storage'],
    ['gate', 'read-only-storage'],
    ['residual', 'storage'],
  ] as const,
  precision: (p: MatmulParams) => p.precision,
  overrides: (p: MatmulParams) => ({ ...overrides(p), EPILOGUE: 0 }),
  grid,
});

/** Floating-point operations of one call, for GFLOP/s figures. */
export function matmulFlops(p: Pick<MatmulParams, 'm' | 'n' | 'k'>): number {
  return 2 * p.m * p.n * p.k;
}

/** Bytes of w for n rows of k at `precision`: how the runtime decides whether to split a weight. */
export function weightBytes(n: number, k: number, precision: Precision): number {
  return n * k * BYTES_PER_ELEMENT[precision];
}
