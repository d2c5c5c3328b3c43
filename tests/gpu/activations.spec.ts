// shaders/activations.wgsl against the CPU reference, f32 on the browser's WebGPU adapter.
import { expect, test } from '@playwright/test';
import { geluTanh, maxAbsDiff, silu } from '../support/reference.ts';

type Kernels = typeof import('../../src/gpu/ops/activations.ts');
type Device = typeof import('../../src/gpu/device.ts');
type Buffers = typeof import('../../src/gpu/buffers.ts');
type KernelModule = typeof import('../../src/gpu/kernel.ts');

// Elementwise f32: a few ulps of the output, with room for exp/tanh implementations.
const ATOL = 1e-5;
const RTOL = 1e-5;

interface Case {
  kernel: 'geluTanhKernel' | 'siluKernel';
  length: number;
  workgroupSize?: number;
}

async function runCase(page: import('@playwright/test').Page, c: Case, input: number[]) {
  return page.evaluate(
    async ({ c, input }) => {
      const kernels = (await import('/src/gpu/ops/activations.ts' as string)) as Kernels;
      const { openGpu } = (await import('/src/gpu/device.ts' as string)) as Device;
      const { uploadF32, createStorage, readF32 } = (await import('/src/gpu/buffers.ts' as string)) as Buffers;
      const { dispatchKernel } = (await import('/src/gpu/kernel.ts' as string)) as KernelModule;
      const { device } = await openGpu();
      const x = uploadF32(device, Float32Array.from(input), 'x');
      const y = createStorage(device, input.length * 4, 'y');
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      const params = { length: c.length, workgroupSize: c.workgroupSize };
      dispatchKernel(device, pass, kernels[c.kernel], params, { x, y });
      pass.end();
      device.queue.submit([encoder.finish()]);
      const output = Array.from(await readF32(device, y, input.length));
      device.destroy();
      return output;
    },
    { c, input },
  );
}

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

const cases: Case[] = [
  { kernel: 'geluTanhKernel', length: 1 },
  { kernel: 'geluTanhKernel', length: 63 },
  { kernel: 'geluTanhKernel', length: 65 },
  { kernel: 'geluTanhKernel', length: 4099 },
  { kernel: 'siluKernel', length: 1 },
  { kernel: 'siluKernel', length: 127 },
  { kernel: 'siluKernel', length: 4099 },
  // 70 000 workgroups of one: more than one grid dimension allows, so the grid folds into y.
  { kernel: 'siluKernel', length: 70000, workgroupSize: 1 },
];

for (const c of cases) {
  test(`${c.kernel} on ${c.length} elements${c.workgroupSize ? ` (workgroup size ${c.workgroupSize})` : ''}`, async ({ page }) => {
    await page.goto('/tests/gpu/harness.html');
    const input = randomInput(c.length, c.length);
    const output = await runCase(page, c, input);
    const reference = input.map(c.kernel === 'geluTanhKernel' ? geluTanh : silu);
    const worst = output.reduce((w, v, i) => Math.max(w, Math.abs(v - reference[i]!) - RTOL * Math.abs(reference[i]!)), 0);
    expect(worst, `max |err| ${maxAbsDiff(output, reference)}`).toBeLessThanOrEqual(ATOL);
    expect(output.every(Number.isFinite)).toBe(true);
  });
}
