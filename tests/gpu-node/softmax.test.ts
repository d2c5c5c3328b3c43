// shaders/softmax.wgsl against its float64 reference (src/gpu/reference/softmax.ts), in f32 and
// f16 storage, on Dawn + lavapipe: the cases of tests/gpu/softmax.spec.ts at both precisions.
import { test } from 'vitest';
import type { Precision } from '../../src/gpu/kernel.ts';
import { softmaxKernel } from '../../src/gpu/ops/softmax.ts';
import { softmax } from '../../src/gpu/reference/softmax.ts';
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

// f32: probabilities in [0, 1]; the f32 exp (a few ulps) and sum give a few 1e-6 relative on
// each; atol covers the tiny ones. f16 adds the store's rounding (storedAs in ./helpers.ts); the
// same atol covers probabilities in f16's subnormal range (spacing 6e-8).
const TOLERANCE = { atol: 1e-7, rtol: 1e-5 };

// The kernel wants finite inputs (WGSL need not honour ∞), so a mask is the most negative finite
// value of the storage type: −1e30 is −∞ in f16.
const MASK: Record<Precision, number> = { f32: -1e30, f16: -65504 };

const cases = [
  { label: 'odd width', rows: 3, width: 37, scale: 4 },
  { label: 'one element', rows: 2, width: 1, scale: 4 },
  { label: 'wider than the workgroup', rows: 2, width: 1000, scale: 8, workgroupSize: 64 },
  // exp(x) alone would overflow f32 for x ≈ 1000: only the shifted form works.
  { label: 'large logits', rows: 4, width: 50, scale: 30, offset: 1000 },
  // Every third entry masked.
  { label: 'masked entries', rows: 2, width: 20, scale: 2, mask: true },
];

for (const precision of PRECISIONS) {
  for (const c of cases) {
    test(`softmax ${precision}, ${c.label} (${c.rows} × ${c.width})`, async () => {
      const offset = c.offset ?? 0;
      const values = randomValues(c.rows * c.width, c.width, offset - c.scale, offset + c.scale);
      if (c.mask) for (let i = 0; i < values.length; i += 3) values[i] = MASK[precision];
      const x = roundToStorage(values, precision);
      const { y } = await runKernelNode(
        softmaxKernel,
        { rows: c.rows, width: c.width, precision, workgroupSize: c.workgroupSize },
        { x: toStorage(x, precision), y: { bytes: x.length * BYTES_PER_ELEMENT[precision] } },
      );
      expectClose(fromStorage(y, precision), softmax(x, c.width), storedAs(precision, TOLERANCE));
    });
  }
}
