// shaders/cast.wgsl: the f32 residual stream converted to the storage type, on Dawn + lavapipe.
// The reference is rounding each value to the storage type on the CPU (src/gpu/f16.ts for f16).
import { test } from 'vitest';
import { castToStorageKernel } from '../../src/gpu/ops/cast.ts';
import { BYTES_PER_ELEMENT, expectClose, fromStorage, PRECISIONS, randomValues, roundToStorage, runKernelNode, storedAs } from './helpers.ts';

// f32 → f32 is exact. f32 → f16 may round to either neighbour when inexact (WGSL allows it), so
// the f16 allowance is one f16 step (storedAs); exactly representable values must come out exact.
const TOLERANCE = { atol: 0, rtol: 0 };

for (const precision of PRECISIONS) {
  for (const length of [1, 67, 5000]) {
    test(`cast f32 → ${precision} on ${length} elements`, async () => {
      const values = randomValues(length, length, -300, 300);
      values[0] = 1.5; // exact in f16
      const { y } = await runKernelNode(
        castToStorageKernel,
        { length, precision },
        { x: Float32Array.from(values), y: { bytes: length * BYTES_PER_ELEMENT[precision] } },
      );
      const out = fromStorage(y, precision);
      expectClose(out, roundToStorage(values, precision), precision === 'f32' ? TOLERANCE : storedAs(precision, { atol: 0, rtol: 0 }));
      expectClose([out[0]!], [1.5], TOLERANCE, 'an exactly representable value');
    });
  }
}
