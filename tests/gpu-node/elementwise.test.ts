// shaders/elementwise.wgsl against its float64 reference (src/gpu/reference/elementwise.ts), in f32
// and f16 storage, on Dawn + lavapipe. The f32 cases repeat tests/gpu/elementwise.spec.ts; the f16
// cases run only here.
import { test } from 'vitest';
import { addKernel, geluTanhMulKernel, mulKernel } from '../../src/gpu/ops/elementwise.ts';
import { add, geluTanhMul, mul } from '../../src/gpu/reference/elementwise.ts';
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
} from './helpers.ts';

// All three compute in f32 from values in [-8, 8]. f32: add and mul are one f32 rounding (rtol
// 1e-5). The gated GELU's 1 + tanh(u) cancels for negative inputs, an absolute error of about
// |a|·|b|·2⁻²⁴ (≈ 1e-6 here), as in any f32 implementation: its atol. The f16 variant adds the
// store's rounding (storedAs in ./helpers.ts); f16's subnormal spacing (6e-8) is within each atol.
const OPS = {
  add: { kernel: addKernel, reference: add, atol: 1e-6 },
  mul: { kernel: mulKernel, reference: mul, atol: 1e-6 },
  gelu_tanh_mul: { kernel: geluTanhMulKernel, reference: geluTanhMul, atol: 1e-5 },
};

const LENGTHS = [1, 67, 1000];

for (const precision of PRECISIONS) {
  for (const [op, { kernel, reference, atol }] of Object.entries(OPS)) {
    // 70 000 workgroups of one: more than one grid dimension allows, so the grid folds into y.
    const runs = [...LENGTHS.map((length) => ({ length, workgroupSize: undefined })), { length: 70000, workgroupSize: 1 }];
    for (const { length, workgroupSize } of runs) {
      const suffix = workgroupSize ? ` (workgroup size ${workgroupSize})` : '';
      test(`${op} ${precision} on ${length} elements${suffix}`, async () => {
        const a = roundToStorage(randomValues(length, length, -8, 8), precision);
        const b = roundToStorage(randomValues(length, length + 1, -8, 8), precision);
        const { y } = await runKernelNode(kernel, { length, precision, workgroupSize }, {
          a: toStorage(a, precision),
          b: toStorage(b, precision),
          y: { bytes: length * BYTES_PER_ELEMENT[precision] },
        });
        expectClose(fromStorage(y, precision), reference(a, b), storedAs(precision, { atol, rtol: 1e-5 }));
      });
    }
  }
}
