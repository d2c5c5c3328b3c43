// shaders/activations.wgsl against its CPU reference, f32 on the browser's WebGPU adapter.
import { expect, test } from '@playwright/test';
import { geluTanh, silu } from '../../src/gpu/reference/activations.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';
import { expectClose } from '../support/compare.ts';

// Elementwise f32: a few ulps of the output, with room for the platform's exp and tanh.
const TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

function randomInput(length: number, seed: number): number[] {
  // Deterministic, spread over [-12, 12] where both functions curve and saturate, plus extremes.
  let state = seed >>> 0;
  const values = Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 24 - 12;
  });
  if (length >= 4) values.splice(0, 4, -88, 88, 0, -0.5);
  return values;
}

const cases = [
  { kernel: 'geluTanhKernel', length: 1 },
  { kernel: 'geluTanhKernel', length: 63 },
  { kernel: 'geluTanhKernel', length: 65 },
  { kernel: 'geluTanhKernel', length: 4099 },
  { kernel: 'siluKernel', length: 1 },
  { kernel: 'siluKernel', length: 127 },
  { kernel: 'siluKernel', length: 4099 },
  // 70 000 workgroups of one: more than one grid dimension allows, so the grid folds into y.
  { kernel: 'siluKernel', length: 70000, workgroupSize: 1 },
] as const;

// Every case in one page, each a step: a fresh page per case cost more than the cases (attention.spec.ts:
// 60 s as one test a case, 36 s as one test, SwiftShader, 2026-12-06).
test('geluTanhKernel and siluKernel f32 on every case', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(HARNESS);
  for (const c of cases) {
    const suffix = 'workgroupSize' in c ? ` (workgroup size ${c.workgroupSize})` : '';
    await test.step(`${c.kernel} f32 on ${c.length} elements${suffix}`, async () => {
      const x = randomInput(c.length, c.length);
      const { y } = await runKernelInPage(page, {
        module: '/src/gpu/ops/activations.ts',
        kernel: c.kernel,
        params: { length: c.length, precision: 'f32', workgroupSize: 'workgroupSize' in c ? c.workgroupSize : undefined },
        data: { x: { type: 'f32', values: x }, y: { bytes: c.length * 4 } },
      });
      const reference = c.kernel === 'geluTanhKernel' ? geluTanh(x) : silu(x);
      expectClose(decode(y!, 'f32'), reference, TOLERANCE);
    });
  }
});
