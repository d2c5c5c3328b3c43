// shaders/fma_peak.wgsl (the benchmark's peak microkernel) computes what its CPU reference says:
// the measured peak counts work that really happened.
import { test } from '@playwright/test';
import { fmaPeakSink } from '../../src/gpu/reference/peak.ts';
import { expectClose } from '../support/compare.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';

// Each step is one f32 fma (or multiply-add, which may round twice): 64 steps of relative error
// 2⁻²⁴ each on values near 1, then a sum of 16.
const TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

test('fma_peak f32 writes the value of its FMA chains', async ({ page }) => {
  await page.goto(HARNESS);
  const params = { invocations: 512, iterations: 64 };
  const { sink } = await runKernelInPage(page, {
    module: '/src/gpu/ops/peak.ts',
    kernel: 'fmaPeakKernel',
    params,
    data: { sink: { bytes: params.invocations * 4 } },
  });
  expectClose(decode(sink!, 'f32'), fmaPeakSink(params.invocations, params.iterations), TOLERANCE);
});
