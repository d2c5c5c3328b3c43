// CPU references for shaders/modulate.wgsl, in float64. Parameters as ModulateParams in
// ../ops/modulate.ts (a structural copy, so this file imports no shader).
import { layerNorm } from './norm.ts';

export interface ModulateShape {
  rows: number;
  dim: number;
  chunks: number;
  shiftChunk?: number;
  scaleChunk?: number;
  gateChunk?: number;
  rowsPerE?: number;
  eBroadcast?: boolean;
  eps?: number;
}

/** Chunk `chunk` of (modulation + e) for `row`, as Wan's `(self.modulation + e).chunk(...)`. */
export function modulationVector(
  s: ModulateShape,
  e: ArrayLike<number>,
  modulation: ArrayLike<number>,
  row: number,
  chunk: number,
): Float64Array {
  const block = Math.floor(row / (s.rowsPerE ?? s.rows));
  const eBase = s.eBroadcast ? block * s.dim : (block * s.chunks + chunk) * s.dim;
  return Float64Array.from({ length: s.dim }, (_, c) => e[eBase + c]! + modulation[chunk * s.dim + c]!);
}

/** x·(1 + scale) + shift, row by row. */
export function modulate(s: ModulateShape, x: ArrayLike<number>, e: ArrayLike<number>, modulation: ArrayLike<number>): Float64Array {
  const y = new Float64Array(s.rows * s.dim);
  for (let r = 0; r < s.rows; r++) {
    const shift = modulationVector(s, e, modulation, r, s.shiftChunk ?? 0);
    const scale = modulationVector(s, e, modulation, r, s.scaleChunk ?? 1);
    for (let c = 0; c < s.dim; c++) y[r * s.dim + c] = x[r * s.dim + c]! * (1 + scale[c]!) + shift[c]!;
  }
  return y;
}

/** LayerNorm (no affine) then modulate: Wan's `norm(x)·(1 + scale) + shift`. */
export function lnModulate(s: ModulateShape, x: ArrayLike<number>, e: ArrayLike<number>, modulation: ArrayLike<number>): Float64Array {
  return modulate(s, layerNorm(x, { groupSize: s.dim, eps: s.eps ?? 1e-6 }), e, modulation);
}

/** x + gate ⊙ y. */
export function gatedResidual(
  s: ModulateShape,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  e: ArrayLike<number>,
  modulation: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(s.rows * s.dim);
  for (let r = 0; r < s.rows; r++) {
    const gate = modulationVector(s, e, modulation, r, s.gateChunk ?? 2);
    for (let c = 0; c < s.dim; c++) out[r * s.dim + c] = x[r * s.dim + c]! + gate[c]! * y[r * s.dim + c]!;
  }
  return out;
}
