// shaders/modulate.wgsl against its float64 reference (src/gpu/reference/modulate.ts), in f32 and
// f16 storage, on Dawn + lavapipe: the cases of tests/gpu/modulate.spec.ts at both precisions.
// The *_f32 kernels keep the residual stream x, e and the modulation in f32 at either precision;
// only the branch activations y are T.
import { test } from 'vitest';
import type { Precision } from '../../src/gpu/kernel.ts';
import {
  gatedResidualF32Kernel,
  gatedResidualKernel,
  lnModulateF32Kernel,
  lnModulateKernel,
  modulateKernel,
  type ModulateParams,
} from '../../src/gpu/ops/modulate.ts';
import { gatedResidual, lnModulate, modulate, type ModulateShape } from '../../src/gpu/reference/modulate.ts';
import type { KernelData } from '../../src/gpu/run_kernel.ts';
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

// f32: normalised values (a few ulps of f32 sums, see norm.test.ts) times (1 + scale) with
// |scale| ≤ 1, plus shift: a few 1e-6 absolute; the pointwise kernels are within an ulp or two.
// f16 outputs add the store's rounding (storedAs in ./helpers.ts); gated_residual_f32 writes f32.
const TOLERANCE: Tolerance = { atol: 2e-5, rtol: 1e-5 };

type Data = Record<'x' | 'y' | 'e' | 'modulation', KernelData>;
interface Inputs {
  x: Float32Array;
  y: Float32Array;
  e: Float32Array;
  modulation: Float32Array;
}

/**
 * How each entry point is run and checked. Normalising kernels read x and write y; residual
 * kernels read the branch output y and update x in place. `f32Stream`: x, e and modulation are f32.
 */
const KERNELS = {
  ln_modulate: { f32Stream: false, output: 'y', run: (p: ModulateParams, d: Data) => runKernelNode(lnModulateKernel, p, d) },
  ln_modulate_f32: { f32Stream: true, output: 'y', run: (p: ModulateParams, d: Data) => runKernelNode(lnModulateF32Kernel, p, d) },
  modulate: { f32Stream: false, output: 'y', run: (p: ModulateParams, d: Data) => runKernelNode(modulateKernel, p, d) },
  gated_residual: { f32Stream: false, output: 'x', run: (p: ModulateParams, d: Data) => runKernelNode(gatedResidualKernel, p, d) },
  gated_residual_f32: { f32Stream: true, output: 'x', run: (p: ModulateParams, d: Data) => runKernelNode(gatedResidualF32Kernel, p, d) },
} as const;
type Kernel = keyof typeof KERNELS;

function reference(kernel: Kernel, s: ModulateShape, { x, y, e, modulation }: Inputs): Float64Array {
  if (kernel === 'modulate') return modulate(s, x, e, modulation);
  if (kernel.startsWith('ln_')) return lnModulate(s, x, e, modulation);
  return gatedResidual(s, x, y, e, modulation);
}

const cases: (ModulateShape & { kernel: Kernel; label: string })[] = [
  { kernel: 'ln_modulate', label: 'block, before the FFN', rows: 5, dim: 37, chunks: 6, shiftChunk: 3, scaleChunk: 4 },
  { kernel: 'ln_modulate', label: 'e per frame', rows: 6, dim: 40, chunks: 6, rowsPerE: 2 },
  { kernel: 'ln_modulate', label: 'head, e broadcast', rows: 4, dim: 24, chunks: 2, eBroadcast: true },
  { kernel: 'ln_modulate_f32', label: 'f32 stream, wide row', rows: 3, dim: 300, chunks: 6 },
  { kernel: 'modulate', label: 'block, before self-attention', rows: 3, dim: 37, chunks: 6 },
  { kernel: 'modulate', label: 'e per frame', rows: 9, dim: 20, chunks: 6, shiftChunk: 3, scaleChunk: 4, rowsPerE: 3 },
  { kernel: 'gated_residual', label: 'gate2', rows: 7, dim: 37, chunks: 6, gateChunk: 5 },
  { kernel: 'gated_residual', label: 'e per frame', rows: 6, dim: 33, chunks: 6, rowsPerE: 3 },
  { kernel: 'gated_residual_f32', label: 'f32 stream', rows: 4, dim: 50, chunks: 6 },
];

/** Length of e: one (chunks, dim) block, or one (dim) vector when broadcast, per group of rowsPerE rows. */
const eLength = (s: ModulateShape) => Math.ceil(s.rows / (s.rowsPerE ?? s.rows)) * (s.eBroadcast ? 1 : s.chunks) * s.dim;

for (const precision of PRECISIONS) {
  cases.forEach((c, index) => {
    test(`${c.kernel} ${precision}, ${c.label} (${c.rows} × ${c.dim})`, async () => {
      const { f32Stream, output, run } = KERNELS[c.kernel];
      const stream: Precision = f32Stream ? 'f32' : precision;
      const n = c.rows * c.dim;
      // x: the stream (|x| ≤ 10 for residuals, 4 before a norm); y: a branch output; e and the
      // modulation ±0.5, so |scale| ≤ 1.
      const inputs: Inputs = {
        x: roundToStorage(randomValues(n, 10 * index + 1, output === 'x' ? -10 : -4, output === 'x' ? 10 : 4), stream),
        y: roundToStorage(randomValues(n, 10 * index + 2, -3, 3), precision),
        e: roundToStorage(randomValues(eLength(c), 10 * index + 3, -0.5, 0.5), stream),
        modulation: roundToStorage(randomValues(c.chunks * c.dim, 10 * index + 4, -0.5, 0.5), stream),
      };
      const params: ModulateParams = { ...c, eps: 1e-6, precision };
      const result = await run(params, {
        x: toStorage(inputs.x, stream),
        y: output === 'y' ? { bytes: n * BYTES_PER_ELEMENT[precision] } : toStorage(inputs.y, precision),
        e: toStorage(inputs.e, stream),
        modulation: toStorage(inputs.modulation, stream),
      });
      const outputPrecision = output === 'y' ? precision : stream;
      const actual = fromStorage(result[output], outputPrecision);
      expectClose(actual, reference(c.kernel, c, inputs), storedAs(outputPrecision, TOLERANCE));
    });
  });
}
