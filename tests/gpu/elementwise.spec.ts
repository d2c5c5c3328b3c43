// shaders/elementwise.wgsl against its CPU reference, f32 on the browser's WebGPU adapter.
import { test } from '@playwright/test';
import { add, geluTanhMul, mul } from '../../src/gpu/reference/elementwise.ts';
import { expectClose } from '../support/compare.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';

// add and mul: one f32 rounding. The gated GELU: 1 + tanh(u) cancels for negative inputs, an
// absolute error of about |a|·|b|·2⁻²⁴ (≈ 1e-6 at |a|, |b| ≤ 8), as in any f32 implementation.
const TOLERANCE = { atol: 1e-6, rtol: 1e-5 };
const GELU_TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

function values(length: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 16 - 8;
  });
}

const ops = [
  { kernel: 'addKernel', reference: add, tolerance: TOLERANCE },
  { kernel: 'mulKernel', reference: mul, tolerance: TOLERANCE },
  { kernel: 'geluTanhMulKernel', reference: geluTanhMul, tolerance: GELU_TOLERANCE },
];

for (const { kernel, reference, tolerance } of ops) {
  for (const length of [1, 67, 1000]) {
    test(`${kernel} f32 on ${length} elements`, async ({ page }) => {
      await page.goto(HARNESS);
      const a = values(length, length);
      const b = values(length, length + 1);
      const { y } = await runKernelInPage(page, {
        module: '/src/gpu/ops/elementwise.ts',
        kernel,
        params: { length, precision: 'f32' },
        data: { a: { type: 'f32', values: a }, b: { type: 'f32', values: b }, y: { bytes: length * 4 } },
      });
      expectClose(decode(y!, 'f32'), reference(a, b), tolerance);
    });
  }
}
