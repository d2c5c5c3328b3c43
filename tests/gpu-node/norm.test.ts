// shaders/norm.wgsl against its float64 reference (src/gpu/reference/norm.ts), in f32 and f16
// storage, on Dawn + lavapipe: the cases of tests/gpu/norm.spec.ts at both precisions.
import { test } from 'vitest';
import { layerNormAffineKernel, layerNormKernel, rmsNormKernel, type NormParams } from '../../src/gpu/ops/norm.ts';
import type { KernelData } from '../../src/gpu/run_kernel.ts';
import { layerNorm, rmsNorm } from '../../src/gpu/reference/norm.ts';
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

// f32 allowances; f16 keeps the atol and allows the store's rounding (storedAs in ./helpers.ts).
// Outputs are O(1); f32 sums over a few hundred elements in another order than the reference's
// lose a few ulps of the sum: a few 1e-6 on values near 0.
const TOLERANCE: Tolerance = { atol: 5e-6, rtol: 1e-5 };
// Rows with mean 100 and std ≈ 0.6: the mean is subtracted from values of size 100, whose f32 ulp
// is 7.6e-6; the two-pass variance keeps the error at that level.
const OFFSET_TOLERANCE: Tolerance = { atol: 1e-4, rtol: 1e-4 };
// Groups of two nearly equal values are ill-conditioned, (a − b)/√((a − b)² + 4ε): the f32
// rounding of the mean shows up to ~1e-4 when a − b ≈ √ε.
const PAIR_TOLERANCE: Tolerance = { atol: 1e-4, rtol: 1e-4 };

type Data = Record<'x' | 'y' | 'weight' | 'bias', KernelData>;
type Reference = (x: Float32Array, p: NormParams, weight: Float32Array, bias: Float32Array) => Float64Array;

/** Each kernel binds the part of Data it uses; the references take the same arrays. */
const KERNELS: Record<string, { run: (p: NormParams, data: Data) => Promise<{ y: ArrayBuffer }>; reference: Reference }> = {
  layer_norm: { run: (p, data) => runKernelNode(layerNormKernel, p, data), reference: (x, p) => layerNorm(x, p) },
  layer_norm_affine: { run: (p, data) => runKernelNode(layerNormAffineKernel, p, data), reference: layerNorm },
  rms_norm: { run: (p, data) => runKernelNode(rmsNormKernel, p, data), reference: rmsNorm },
};
type Kernel = keyof typeof KERNELS;

interface Case {
  kernel: Kernel;
  groups: number;
  groupSize: number;
  weightLength?: number;
  workgroupSize?: number;
  /** Inputs in offset ± amplitude. */
  amplitude: number;
  offset?: number;
  tolerance: Tolerance;
  label?: string;
}

const cases: Case[] = [
  { kernel: 'layer_norm', groups: 3, groupSize: 37, amplitude: 1, tolerance: TOLERANCE },
  { kernel: 'layer_norm', groups: 2, groupSize: 1000, workgroupSize: 64, amplitude: 1, tolerance: TOLERANCE },
  { kernel: 'layer_norm', groups: 4, groupSize: 300, amplitude: 1, offset: 100, tolerance: OFFSET_TOLERANCE },
  { kernel: 'layer_norm', groups: 2, groupSize: 1, amplitude: 1, tolerance: TOLERANCE },
  // 65 600 workgroups: more than one grid dimension allows, so the grid folds into y.
  { kernel: 'layer_norm', groups: 65600, groupSize: 2, workgroupSize: 1, amplitude: 1, tolerance: PAIR_TOLERANCE },
  { kernel: 'layer_norm_affine', groups: 5, groupSize: 37, amplitude: 3, tolerance: TOLERANCE },
  { kernel: 'rms_norm', label: 'over the row', groups: 3, groupSize: 96, weightLength: 96, amplitude: 3, tolerance: TOLERANCE },
  { kernel: 'rms_norm', label: 'odd row', groups: 4, groupSize: 37, weightLength: 37, amplitude: 3, tolerance: TOLERANCE },
  // (L 5, heads 3, head_dim 16): one weight of head_dim shared by every head …
  { kernel: 'rms_norm', label: 'per head, shared weight', groups: 15, groupSize: 16, weightLength: 16, amplitude: 3, tolerance: TOLERANCE },
  // … and the same groups with a weight over the full row (each head its own slice).
  { kernel: 'rms_norm', label: 'per head, weight over the row', groups: 15, groupSize: 16, weightLength: 48, amplitude: 3, tolerance: TOLERANCE },
  { kernel: 'rms_norm', label: 'wider than the workgroup', groups: 2, groupSize: 1500, weightLength: 1500, workgroupSize: 32, amplitude: 3, tolerance: TOLERANCE },
];

function describe(c: Case): string {
  const around = c.offset ? ` around ${c.offset}` : '';
  const workgroup = c.workgroupSize ? `, workgroup size ${c.workgroupSize}` : '';
  return `${c.label ? `${c.label}, ` : ''}${c.groups} × ${c.groupSize}${around}${workgroup}`;
}

for (const precision of PRECISIONS) {
  cases.forEach((c, index) => {
    test(`${c.kernel} ${precision}, ${describe(c)}`, async () => {
      const n = c.groups * c.groupSize;
      const weightLength = c.weightLength ?? c.groupSize;
      const offset = c.offset ?? 0;
      const x = roundToStorage(randomValues(n, 1 + index, offset - c.amplitude, offset + c.amplitude), precision);
      const weight = roundToStorage(randomValues(weightLength, 100 + index, -2, 2), precision);
      const bias = roundToStorage(randomValues(weightLength, 200 + index), precision);
      const params: NormParams = { groups: c.groups, groupSize: c.groupSize, weightLength, eps: 1e-6, precision, workgroupSize: c.workgroupSize };
      const { run, reference } = KERNELS[c.kernel]!;
      const { y } = await run(params, {
        x: toStorage(x, precision),
        y: { bytes: n * BYTES_PER_ELEMENT[precision] },
        weight: toStorage(weight, precision),
        bias: toStorage(bias, precision),
      });
      const expected = reference(x, params, weight, bias);
      expectClose(fromStorage(y, precision), expected, storedAs(precision, c.tolerance));
    });
  });
}
