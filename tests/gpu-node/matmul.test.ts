// shaders/matmul.wgsl against its float64 reference (src/gpu/reference/matmul.ts), in f32 and f16
// storage, on Dawn + lavapipe. The cases are those of tests/gpu/matmul.spec.ts, every one at both
// precisions (the Chromium run has no f16), plus the column slice for the gated residual too.
import { test } from 'vitest';
import type { Precision } from '../../src/gpu/kernel.ts';
import { matmulGatedResidualKernel, matmulKernel, matmulUniforms, type MatmulParams, type MatmulTile } from '../../src/gpu/ops/matmul.ts';
import { applyEpilogue, gatedResidual, linear, type Epilogue } from '../../src/gpu/reference/matmul.ts';
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

// Inputs in [-1, 1], K ≤ 129, f32 accumulation at both precisions: the sum's rounding is a few
// ulps of its partial sums (≈1e-6 here); the GELU and SiLU epilogues add a few ulps more; the atol
// covers outputs that cancel to near 0. The f16 variant adds the store's rounding (storedAs in
// ./helpers.ts) to inputs the reference also sees rounded to f16.
const TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };
// The gated residual reads and writes f32 at both precisions: nothing is rounded to f16 on the way
// out, so TOLERANCE itself holds for both (residual ≤ 10 in magnitude: its ulp is ≈ 1e-6).

interface Case {
  m: number;
  n: number;
  k: number;
  hasBias: boolean;
  epilogue?: Epilogue;
  tile?: MatmulTile;
  /** A weight split by rows: this call fills columns [nOffset, nOffset + n) of rows `yStride` long. */
  slice?: { yStride: number; nOffset: number };
}

const matmulCases: Case[] = [
  { m: 1, n: 1, k: 1, hasBias: true },
  { m: 17, n: 33, k: 65, hasBias: true },
  { m: 64, n: 64, k: 64, hasBias: false },
  { m: 100, n: 3, k: 129, hasBias: true },
  // M = 1: a vector times a matrix (the time embedding's shape).
  { m: 1, n: 70, k: 40, hasBias: true, epilogue: 'silu' },
  // K not a multiple of the K tile (16), several K steps, edge tiles in both M and N.
  { m: 65, n: 66, k: 37, hasBias: true, epilogue: 'gelu_tanh' },
  { m: 5, n: 130, k: 19, hasBias: false, epilogue: 'gelu_tanh' },
  { m: 70, n: 9, k: 24, hasBias: false, epilogue: 'silu' },
  // The tile shape is an override, not baked in.
  { m: 45, n: 37, k: 29, hasBias: true, epilogue: 'gelu_tanh', tile: { m: 32, n: 16, k: 8 } },
  // w holds rows 20..44 of a 60-row weight; the call fills columns 20..44 of a 17×60 y.
  { m: 17, n: 25, k: 33, hasBias: true, slice: { yStride: 60, nOffset: 20 } },
];

const gatedCases: Case[] = [
  { m: 1, n: 1, k: 1, hasBias: true },
  { m: 17, n: 33, k: 65, hasBias: true },
  { m: 100, n: 3, k: 129, hasBias: false },
  { m: 66, n: 65, k: 20, hasBias: true },
  { m: 17, n: 25, k: 33, hasBias: true, slice: { yStride: 60, nOffset: 20 } },
];

function describe(c: Case): string {
  const parts = [`${c.m}×${c.n}×${c.k}`, c.epilogue ?? 'none'];
  if (c.hasBias) parts.push('+ bias');
  if (c.tile) parts.push(`tile ${c.tile.m}×${c.tile.n}×${c.tile.k}`);
  if (c.slice) parts.push(`columns ${c.slice.nOffset}.. of ${c.slice.yStride}`);
  return parts.join(' ');
}

/** Inputs as the GPU sees them in `precision`; b and gate span the full y row (yStride entries). */
function inputs(c: Case, seed: number, precision: Precision) {
  const { yStride } = layout(c);
  return {
    x: roundToStorage(randomValues(c.m * c.k, seed + 1), precision),
    w: roundToStorage(randomValues(c.n * c.k, seed + 2), precision),
    b: roundToStorage(c.hasBias ? randomValues(yStride, seed + 3) : [0], precision),
    gate: Float32Array.from(randomValues(yStride, seed + 4, -2, 2)),
    residual: Float32Array.from(randomValues(c.m * yStride, seed + 5, -10, 10)),
  };
}

function params(c: Case, precision: Precision): MatmulParams {
  return { m: c.m, n: c.n, k: c.k, precision, hasBias: c.hasBias, epilogue: c.epilogue, tile: c.tile, ...c.slice };
}

/** Where this call's m×n block sits in y: rows yStride long, starting at column nOffset. */
function layout(c: Case): { yStride: number; nOffset: number } {
  return c.slice ?? { yStride: c.n, nOffset: 0 };
}

/** The m×n block of `full` (m rows of yStride) that this call writes. */
function block(full: ArrayLike<number>, c: Case): Float64Array {
  const { yStride, nOffset } = layout(c);
  return Float64Array.from({ length: c.m * c.n }, (_, i) => full[Math.floor(i / c.n) * yStride + nOffset + (i % c.n)]!);
}

/** `full` with the block this call writes replaced by `part` (m×n). */
function withBlock(full: ArrayLike<number>, part: ArrayLike<number>, c: Case): Float64Array {
  const { yStride, nOffset } = layout(c);
  const result = Float64Array.from(full);
  for (let i = 0; i < c.m * c.n; i++) result[Math.floor(i / c.n) * yStride + nOffset + (i % c.n)] = part[i]!;
  return result;
}

/** x·wᵀ + b of this call's columns, in float64. */
function projection(c: Case, { x, w, b }: ReturnType<typeof inputs>): Float64Array {
  const { nOffset } = layout(c);
  return linear(x, w, c.hasBias ? b.subarray(nOffset, nOffset + c.n) : undefined, c.m, c.n, c.k);
}

for (const precision of PRECISIONS) {
  matmulCases.forEach((c, index) => {
    test(`matmul ${precision} ${describe(c)}`, async () => {
      const data = inputs(c, 100 * index, precision);
      const p = params(c, precision);
      const yLength = c.m * layout(c).yStride;
      const { y } = await runKernelNode(matmulKernel, p, {
        params: matmulUniforms(p),
        x: toStorage(data.x, precision),
        w: toStorage(data.w, precision),
        b: toStorage(data.b, precision),
        y: { bytes: yLength * BYTES_PER_ELEMENT[precision] },
      });
      // Columns outside the slice are untouched: they keep the fresh buffer's zeros.
      const expected = withBlock(new Float64Array(yLength), applyEpilogue(projection(c, data), c.epilogue ?? 'none'), c);
      expectClose(fromStorage(y, precision), expected, storedAs(precision, TOLERANCE));
    });
  });

  gatedCases.forEach((c, index) => {
    test(`matmul_gated_residual ${precision} ${describe(c)}`, async () => {
      const data = inputs(c, 100 * index + 50, precision);
      const p = params(c, precision);
      const { residual } = await runKernelNode(matmulGatedResidualKernel, p, {
        params: matmulUniforms(p),
        x: toStorage(data.x, precision),
        w: toStorage(data.w, precision),
        b: toStorage(data.b, precision),
        gate: data.gate,
        residual: data.residual,
      });
      // The slice's gate entries start at nOffset like its bias; residual columns outside it are kept.
      const { nOffset } = layout(c);
      const gate = data.gate.subarray(nOffset, nOffset + c.n);
      const expected = withBlock(data.residual, gatedResidual(block(data.residual, c), gate, projection(c, data), c.m, c.n), c);
      expectClose(new Float32Array(residual), expected, TOLERANCE);
    });
  });
}
