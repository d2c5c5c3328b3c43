// shaders/rope.wgsl against its CPU reference, f32 on the browser's WebGPU adapter, and the
// frequency split against the numbers of ../shared/reference/wan21-architecture.md.
import { expect, test } from '@playwright/test';
import { rope, ropeAxisPairs, ropeFrequencies, ropeTable, type RopeShape } from '../../src/gpu/reference/rope.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';
import { expectClose } from '../support/compare.ts';

// Inputs in [−1, 1]; cos/sin rounded once to f32 in the table, then two products and a sum in
// f32: a few 1e-7. The reference computes cos/sin in float64 from the positions itself.
const TOLERANCE = { atol: 1e-6, rtol: 1e-6 };

function random(length: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround((state / 2 ** 32) * 2 - 1);
  });
}

test('RoPE frequencies split as Wan 2.1 (head_dim 128: 22 frame, 21 row, 21 column pairs)', () => {
  expect(ropeAxisPairs(128)).toEqual([22, 21, 21]);
  const { omega, axis } = ropeFrequencies(128);
  expect(Array.from(axis.slice(20, 24))).toEqual([0, 0, 1, 1]);
  expect(axis[42]).toBe(1);
  expect(axis[43]).toBe(2);
  // Each axis restarts at ω = 1 with its own base: 10000^(−2k/44) for frames, 10000^(−2k/42) for rows and columns.
  expect(omega[0]).toBe(1);
  expect(omega[21]).toBeCloseTo(10000 ** (-42 / 44), 15);
  expect(omega[22]).toBe(1);
  expect(omega[42]).toBeCloseTo(10000 ** (-40 / 42), 15);
  expect(omega[43]).toBe(1);
  expect(omega[63]).toBeCloseTo(10000 ** (-40 / 42), 15);
  const table = ropeTable(128, 4);
  expect(table[(3 * 64 + 1) * 2]).toBeCloseTo(Math.cos(3 * 10000 ** (-2 / 44)), 7);
});

const cases: (RopeShape & { label: string })[] = [
  { label: 'head_dim 12', frames: 2, height: 3, width: 4, heads: 2, headDim: 12 },
  { label: 'head_dim 16, frame offset 5', frames: 3, height: 2, width: 5, heads: 3, headDim: 16, frameOffset: 5 },
  // The real split [22, 21, 21].
  { label: 'head_dim 128', frames: 2, height: 2, width: 3, heads: 2, headDim: 128 },
];

for (const c of cases) {
  test(`ropeKernel f32, ${c.label}, ${c.frames}×${c.height}×${c.width} tokens, ${c.heads} heads`, async ({ page }) => {
    await page.goto(HARNESS);
    const length = c.frames * c.height * c.width * c.heads * c.headDim;
    const x = random(length, c.headDim);
    const positions = Math.max(c.frames + (c.frameOffset ?? 0), c.height, c.width);
    const out = await runKernelInPage(page, {
      module: '/src/gpu/ops/rope.ts',
      kernel: 'ropeKernel',
      params: { ...c, precision: 'f32' },
      data: { x: { type: 'f32', values: x }, table: { type: 'f32', values: ropeTable(c.headDim, positions) }, params: { type: 'u32', values: [c.frameOffset ?? 0, 0, 0, 0] } },
    });
    expectClose(decode(out.x!, 'f32'), rope(x, c), TOLERANCE);
  });
}
