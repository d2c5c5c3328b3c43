// adaLN modulation and gated residual (shaders/modulate.wgsl); CPU references in
// ../reference/modulate.ts.
//
// Every kernel binds, in this order: the input `x` or branch output `y` (read), the output or the
// residual stream (read-write), then `e` (time projection, (blocks, chunks, dim) or (blocks, dim)
// when broadcast) and the layer's learned `modulation` (chunks, dim). Which chunk is the shift,
// scale or gate is a parameter: Wan's block uses 0/1/2 before self-attention and 3/4/5 before the
// FFN; its head uses 0/1 with `eBroadcast`.
import source from '../../../shaders/modulate.wgsl?raw';
import { defineKernel, grid2d, type Precision } from '../kernel.ts';

export interface ModulateParams {
  /** Rows (tokens) of width `dim`. */
  rows: number;
  dim: number;
  /** Chunks in `modulation`: 6 in a DiT block, 2 in the head. */
  chunks: number;
  shiftChunk?: number;
  scaleChunk?: number;
  gateChunk?: number;
  /** Consecutive rows that share one block of `e`: all rows (default) or the tokens of a frame. */
  rowsPerE?: number;
  /** `e` holds one (dim) vector per block, added to every chunk (Wan's head). */
  eBroadcast?: boolean;
  /** LayerNorm ε (1e-6 in Wan); only the ln_* kernels use it. */
  eps?: number;
  precision: Precision;
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 128;

export function modulateOverrides(p: ModulateParams): Record<string, number> {
  const workgroupSize = p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE;
  // The LayerNorm's reduction is a tree.
  if (workgroupSize & (workgroupSize - 1)) throw new Error(`modulate: workgroup size ${workgroupSize} is not a power of two`);
  return {
    WORKGROUP_SIZE: workgroupSize,
    DIM: p.dim,
    ROWS: p.rows,
    CHUNKS: p.chunks,
    SHIFT_CHUNK: p.shiftChunk ?? 0,
    SCALE_CHUNK: p.scaleChunk ?? 1,
    GATE_CHUNK: p.gateChunk ?? 2,
    ROWS_PER_E: p.rowsPerE ?? p.rows,
    E_BROADCAST: p.eBroadcast ? 1 : 0,
    EPS: p.eps ?? 1e-6,
  };
}

const perRow = (p: ModulateParams) => grid2d(p.rows);
const perElement = (p: ModulateParams) => grid2d(Math.ceil((p.rows * p.dim) / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE)));

function define<B extends string>(
  entryPoint: string,
  bindings: readonly (readonly [B, 'read-only-storage' | 'storage'])[],
  grid: (p: ModulateParams) => readonly [number, number],
) {
  return defineKernel({
    name: `modulate.${entryPoint}`,
    code: source,
    entryPoint,
    bindings,
    precision: (p: ModulateParams) => p.precision,
    overrides: modulateOverrides,
    grid,
  });
}

const normBindings = [
  ['x', 'read-only-storage'],
  ['y', 'storage'],
  ['e', 'read-only-storage'],
  ['modulation', 'read-only-storage'],
] as const;

const residualBindings = [
  ['y', 'read-only-storage'],
  ['x', 'storage'],
  ['e', 'read-only-storage'],
  ['modulation', 'read-only-storage'],
] as const;

/** y = LayerNorm(x)·(1 + scale) + shift, all of type T. One workgroup per row. */
export const lnModulateKernel = define('ln_modulate', normBindings, perRow);

/** The same with x, e and modulation in f32 and y in T: the f32 residual stream feeding an f16 matmul. */
export const lnModulateF32Kernel = define('ln_modulate_f32', normBindings, perRow);

/** y = x·(1 + scale) + shift, all of type T. */
export const modulateKernel = define('modulate', normBindings, perElement);

/** x += gate ⊙ y in place on x, all of type T. */
export const gatedResidualKernel = define('gated_residual', residualBindings, perElement);

/** x += gate ⊙ y with x, e and modulation in f32 and y (the branch output) in T. */
export const gatedResidualF32Kernel = define('gated_residual_f32', residualBindings, perElement);
