// shaders/matmul_int8.wgsl against its float64 reference (src/gpu/reference/matmul_int8.ts), with
// x and y in f32 and in f16 storage, on Dawn + lavapipe: K not a multiple of 4 (a padded last
// word), edge tiles, epilogues, bias, a row slice of a split weight, and the gated residual.
import { expect, test } from 'vitest';
import { quantizeRowsInt8 } from '../../src/gpu/int8.ts';
import type { Precision } from '../../src/gpu/kernel.ts';
import type { MatmulParams, MatmulTile } from '../../src/gpu/ops/matmul.ts';
import { matmulInt8GatedResidualKernel, matmulInt8Kernel, matmulUniforms } from '../../src/gpu/ops/matmul_int8.ts';
import { applyEpilogue, gatedResidual, type Epilogue } from '../../src/gpu/reference/matmul.ts';
import { linearInt8 } from '../../src/gpu/reference/matmul_int8.ts';
import { BYTES_PER_ELEMENT, expectClose, fromStorage, PRECISIONS, randomValues, roundToStorage, runKernelNode, storedAs, toStorage, type Tolerance } from './helpers.ts';

// The reference sees the same int8 numbers (dequantized), so the error is the f32 accumulation's
// and the scale's one rounding, as for the float matmul (tests/gpu-node/matmul.test.ts): a few ulps.
const TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };

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

// Few distinct pipelines (each compiles through LLVM on lavapipe, seconds apiece): f32 cases are
// plain with or without a bias, GELU with a small tile, or gated; the f16 ones are plain and gated
// without a bias, the text encoder's own pipelines (so its twin test finds them in Mesa's cache).
const cases: Case[] = [
  { m: 1, n: 1, k: 1, hasBias: false },
  { m: 8, n: 70, k: 64, hasBias: false },
  { m: 17, n: 33, k: 65, hasBias: true },
  { m: 17, n: 25, k: 33, hasBias: false, slice: { yStride: 60, nOffset: 20 } },
  { m: 65, n: 66, k: 37, hasBias: false, epilogue: 'gelu_tanh', tile: { m: 32, n: 16, k: 8 } },
  { m: 45, n: 37, k: 29, hasBias: false, epilogue: 'gelu_tanh', tile: { m: 32, n: 16, k: 8 } },
];
const F16_CASES = new Set([1, 3]);

const describeCase = (c: Case) =>
  [`${c.m}×${c.n}×${c.k}`, c.epilogue ?? 'none', c.hasBias ? '+ bias' : '', c.tile ? `tile ${c.tile.m}×${c.tile.n}×${c.tile.k}` : '', c.slice ? `columns ${c.slice.nOffset}.. of ${c.slice.yStride}` : '']
    .filter(Boolean)
    .join(' ');

const layout = (c: Case) => c.slice ?? { yStride: c.n, nOffset: 0 };

function inputs(c: Case, seed: number, precision: Precision) {
  const { yStride } = layout(c);
  // Rows of different magnitudes, so a scale applied to the wrong column shows.
  const weights = randomValues(c.n * c.k, seed + 2).map((v, i) => v * (1 + (Math.floor(i / c.k) % 5)));
  return {
    x: roundToStorage(randomValues(c.m * c.k, seed + 1), precision),
    w: quantizeRowsInt8(weights, c.n, c.k),
    // Scales and biases span the full y row, as a split weight's parts share them.
    scales: Float32Array.from(randomValues(yStride, seed + 6, 0.5, 1.5)),
    b: roundToStorage(c.hasBias ? randomValues(yStride, seed + 3) : [0], precision),
    gate: Float32Array.from(randomValues(yStride, seed + 4, -2, 2)),
    residual: Float32Array.from(randomValues(c.m * yStride, seed + 5, -10, 10)),
  };
}

/** The call's weight with its own scales placed at nOffset of the full-row scale vector. */
function scalesOf(c: Case, data: ReturnType<typeof inputs>): Float32Array {
  const scales = data.scales.slice();
  scales.set(data.w.scales, layout(c).nOffset);
  return scales;
}

function projection(c: Case, data: ReturnType<typeof inputs>): Float64Array {
  const { nOffset } = layout(c);
  return linearInt8(data.x, data.w, c.hasBias ? data.b.subarray(nOffset, nOffset + c.n) : undefined, c.m);
}

/** `full` (m rows of yStride) with this call's m×n block replaced by `part`. */
function withBlock(full: ArrayLike<number>, part: ArrayLike<number>, c: Case): Float64Array {
  const { yStride, nOffset } = layout(c);
  const result = Float64Array.from(full);
  for (let i = 0; i < c.m * c.n; i++) result[Math.floor(i / c.n) * yStride + nOffset + (i % c.n)] = part[i]!;
  return result;
}

function block(full: ArrayLike<number>, c: Case): Float64Array {
  const { yStride, nOffset } = layout(c);
  return Float64Array.from({ length: c.m * c.n }, (_, i) => full[Math.floor(i / c.n) * yStride + nOffset + (i % c.n)]!);
}

const params = (c: Case, precision: Precision): MatmulParams => ({ m: c.m, n: c.n, k: c.k, precision, hasBias: c.hasBias, epilogue: c.epilogue, tile: c.tile, ...c.slice });

for (const precision of PRECISIONS) {
  cases.forEach((c, index) => {
    if (precision === 'f16' && !F16_CASES.has(index)) return;
    test(`matmul_int8 ${precision} ${describeCase(c)}`, async () => {
      const data = inputs(c, 100 * index, precision);
      const p = params(c, precision);
      const yLength = c.m * layout(c).yStride;
      const { y } = await runKernelNode(matmulInt8Kernel, p, {
        params: matmulUniforms(p),
        x: toStorage(data.x, precision),
        q: data.w.packed,
        scales: scalesOf(c, data),
        b: toStorage(data.b, precision),
        y: { bytes: yLength * BYTES_PER_ELEMENT[precision] },
      });
      const expected = withBlock(new Float64Array(yLength), applyEpilogue(projection(c, data), c.epilogue ?? 'none'), c);
      expectClose(fromStorage(y, precision), expected, storedAs(precision, TOLERANCE));
    });
  });

  cases.forEach((c, index) => {
    if (c.epilogue || (precision === 'f16' && !F16_CASES.has(index))) return;
    test(`matmul_int8_gated_residual ${precision} ${describeCase(c)}`, async () => {
      const data = inputs(c, 100 * index + 50, precision);
      const p = params(c, precision);
      const { residual } = await runKernelNode(matmulInt8GatedResidualKernel, p, {
        params: matmulUniforms(p),
        x: toStorage(data.x, precision),
        q: data.w.packed,
        scales: scalesOf(c, data),
        b: toStorage(data.b, precision),
        gate: data.gate,
        residual: data.residual,
      });
      const { nOffset } = layout(c);
      const gate = data.gate.subarray(nOffset, nOffset + c.n);
      const expected = withBlock(data.residual, gatedResidual(block(data.residual, c), gate, projection(c, data), c.m, c.n), c);
      expectClose(new Float32Array(residual), expected, TOLERANCE);
    });
  });

  test(`matmul_int8 ${precision} refuses a K tile that is not whole words`, () => {
    const p = { m: 4, n: 4, k: 4, precision, hasBias: false, tile: { m: 16, n: 16, k: 6 } };
    expect(() => matmulInt8Kernel.overrides(p)).toThrow(/whole packed words/);
  });
}
