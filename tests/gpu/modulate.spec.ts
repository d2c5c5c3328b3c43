// shaders/modulate.wgsl against its CPU reference, f32 on the browser's WebGPU adapter.
import { test } from '@playwright/test';
import { gatedResidual, lnModulate, modulate, type ModulateShape } from '../../src/gpu/reference/modulate.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';
import { expectClose } from '../support/compare.ts';

// Normalised values (a few ulps of f32 sums, see norm.spec.ts) times (1 + scale) with
// |scale| ≤ 1, plus shift: a few 1e-6 absolute; the pointwise kernels are within an ulp or two.
const TOLERANCE = { atol: 2e-5, rtol: 1e-5 };

function random(length: number, seed: number, scale = 1): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround(((state / 2 ** 32) * 2 - 1) * scale);
  });
}

const f32 = (values: number[]) => ({ type: 'f32' as const, values });

/** Number of e blocks a case needs. */
const eLength = (s: ModulateShape) =>
  Math.ceil(s.rows / (s.rowsPerE ?? s.rows)) * (s.eBroadcast ? 1 : s.chunks) * s.dim;

const normCases: (ModulateShape & { kernel: string; label: string })[] = [
  { kernel: 'lnModulateKernel', label: 'block, before the FFN', rows: 5, dim: 37, chunks: 6, shiftChunk: 3, scaleChunk: 4 },
  { kernel: 'lnModulateKernel', label: 'e per frame', rows: 6, dim: 40, chunks: 6, rowsPerE: 2 },
  { kernel: 'lnModulateKernel', label: 'head, e broadcast', rows: 4, dim: 24, chunks: 2, eBroadcast: true },
  { kernel: 'lnModulateF32Kernel', label: 'f32 stream, wide row', rows: 3, dim: 300, chunks: 6 },
  { kernel: 'modulateKernel', label: 'block, before self-attention', rows: 3, dim: 37, chunks: 6 },
  { kernel: 'modulateKernel', label: 'e per frame', rows: 9, dim: 20, chunks: 6, shiftChunk: 3, scaleChunk: 4, rowsPerE: 3 },
];

for (const c of normCases) {
  test(`${c.kernel} f32, ${c.label} (${c.rows} × ${c.dim})`, async ({ page }) => {
    await page.goto(HARNESS);
    const x = random(c.rows * c.dim, c.dim, 4);
    const e = random(eLength(c), 2, 0.5);
    const modulation = random(c.chunks * c.dim, 3, 0.5);
    const { y } = await runKernelInPage(page, {
      module: '/src/gpu/ops/modulate.ts',
      kernel: c.kernel,
      params: { ...c, eps: 1e-6, precision: 'f32' },
      data: { x: f32(x), y: { bytes: x.length * 4 }, e: f32(e), modulation: f32(modulation) },
    });
    const reference = c.kernel === 'modulateKernel' ? modulate(c, x, e, modulation) : lnModulate(c, x, e, modulation);
    expectClose(decode(y!, 'f32'), reference, TOLERANCE);
  });
}

const residualCases: (ModulateShape & { kernel: string; label: string })[] = [
  { kernel: 'gatedResidualKernel', label: 'gate2', rows: 7, dim: 37, chunks: 6, gateChunk: 5 },
  { kernel: 'gatedResidualKernel', label: 'e per frame', rows: 6, dim: 33, chunks: 6, rowsPerE: 3 },
  { kernel: 'gatedResidualF32Kernel', label: 'f32 stream', rows: 4, dim: 50, chunks: 6 },
];

for (const c of residualCases) {
  test(`${c.kernel} f32, ${c.label} (${c.rows} × ${c.dim})`, async ({ page }) => {
    await page.goto(HARNESS);
    const x = random(c.rows * c.dim, 5, 10);
    const y = random(c.rows * c.dim, 6, 3);
    const e = random(eLength(c), 7, 0.5);
    const modulation = random(c.chunks * c.dim, 8, 0.5);
    const out = await runKernelInPage(page, {
      module: '/src/gpu/ops/modulate.ts',
      kernel: c.kernel,
      params: { ...c, precision: 'f32' },
      data: { y: f32(y), x: f32(x), e: f32(e), modulation: f32(modulation) },
    });
    expectClose(decode(out.x!, 'f32'), gatedResidual(c, x, y, e, modulation), TOLERANCE);
  });
}
