// shaders/softmax.wgsl against its CPU reference, f32 on the browser's WebGPU adapter.
import { test } from '@playwright/test';
import { softmax } from '../../src/gpu/reference/softmax.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';
import { expectClose } from '../support/compare.ts';

// Probabilities in [0, 1]: the f32 exp (a few ulps) and sum give a relative error of a few
// 1e-6 on each; atol covers the tiny ones.
const TOLERANCE = { atol: 1e-7, rtol: 1e-5 };

function random(length: number, seed: number, scale: number, offset = 0): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround(offset + ((state / 2 ** 32) * 2 - 1) * scale);
  });
}

const cases = [
  { label: 'odd width', rows: 3, width: 37, scale: 4 },
  { label: 'one element', rows: 2, width: 1, scale: 4 },
  { label: 'wider than the workgroup', rows: 2, width: 1000, scale: 8, workgroupSize: 64 },
  // exp(x) alone would overflow f32 for x ≈ 1000: only the shifted form works.
  { label: 'large logits', rows: 4, width: 50, scale: 30, offset: 1000 },
  // A masked row: a large negative number marks the masked keys.
  { label: 'masked entries', rows: 2, width: 20, scale: 2, mask: true },
];

for (const c of cases) {
  test(`softmaxKernel f32, ${c.label} (${c.rows} × ${c.width})`, async ({ page }) => {
    await page.goto(HARNESS);
    const x = random(c.rows * c.width, c.width, c.scale, c.offset ?? 0);
    if (c.mask) for (let i = 0; i < x.length; i += 3) x[i] = -1e30;
    const { y } = await runKernelInPage(page, {
      module: '/src/gpu/ops/softmax.ts',
      kernel: 'softmaxKernel',
      params: { rows: c.rows, width: c.width, precision: 'f32', workgroupSize: c.workgroupSize },
      data: { x: { type: 'f32', values: x }, y: { bytes: x.length * 4 } },
    });
    expectClose(decode(y!, 'f32'), softmax(x, c.width), TOLERANCE);
  });
}
