// shaders/activations.wgsl against its CPU reference (src/gpu/reference/activations.ts), in f32
// and f16 storage, on Dawn + lavapipe. The f32 cases repeat tests/gpu/activations.spec.ts on a
// second implementation; the f16 cases run only here.
import { test } from 'vitest';
import { geluTanhKernel, siluKernel } from '../../src/gpu/ops/activations.ts';
import { geluTanh, silu } from '../../src/gpu/reference/activations.ts';
import type { Precision } from '../../src/gpu/kernel.ts';
import {
  BYTES_PER_ELEMENT,
  expectClose,
  fromStorage,
  PRECISIONS,
  randomValues,
  roundToStorage,
  runKernelNode,
  toStorage,
  type Tolerance,
} from './helpers.ts';

// Both variants compute in f32. f32: a few ulps of the output, with room for the platform's exp
// and tanh; the atol covers the cancellation in 1 + tanh(…) on GELU's negative tail.
// f16: the output's own rounding (half an ulp, 2^-11 ≈ 4.9e-4 relative) dominates, so rtol 1e-3;
// the same atol covers the tail and f16's subnormal spacing (6e-8).
const TOLERANCE: Record<Precision, Tolerance> = {
  f32: { atol: 1e-5, rtol: 1e-5 },
  f16: { atol: 1e-5, rtol: 1e-3 },
};

const KERNELS = {
  gelu_tanh: { kernel: geluTanhKernel, reference: geluTanh },
  silu: { kernel: siluKernel, reference: silu },
};

const cases = [
  { name: 'gelu_tanh', length: 1 },
  { name: 'gelu_tanh', length: 63 },
  { name: 'gelu_tanh', length: 65 },
  { name: 'gelu_tanh', length: 4099 },
  { name: 'silu', length: 1 },
  { name: 'silu', length: 127 },
  { name: 'silu', length: 4099 },
  // 70 000 workgroups of one: more than one grid dimension allows, so the grid folds into y.
  { name: 'silu', length: 70000, workgroupSize: 1 },
] as const;

/** [-12, 12), where both functions curve and saturate, with both extremes and 0 up front. */
function input(length: number): number[] {
  const values = randomValues(length, length, -12, 12);
  if (length >= 4) values.splice(0, 4, -88, 88, 0, -0.5);
  return values;
}

for (const precision of PRECISIONS) {
  for (const c of cases) {
    const workgroupSize = 'workgroupSize' in c ? c.workgroupSize : undefined;
    const suffix = workgroupSize ? ` (workgroup size ${workgroupSize})` : '';
    test(`${c.name} ${precision} on ${c.length} elements${suffix}`, async () => {
      const { kernel, reference } = KERNELS[c.name];
      const x = roundToStorage(input(c.length), precision);
      const { y } = await runKernelNode(kernel, { length: c.length, precision, workgroupSize }, {
        x: toStorage(x, precision),
        y: { bytes: c.length * BYTES_PER_ELEMENT[precision] },
      });
      expectClose(fromStorage(y, precision), reference(x), TOLERANCE[precision]);
    });
  }
}
