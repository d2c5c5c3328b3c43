// shaders/matmul.wgsl against its CPU reference on the browser's WebGPU adapter: f32 always, f16
// where the adapter has shader-f16 (SwiftShader has not; the f16 variant is also checked under Node).
import { test, type Page } from '@playwright/test';
import type { Precision } from '../../src/gpu/kernel.ts';
import { fromF16Bits, toF16Bits } from '../../src/gpu/f16.ts';
import { applyEpilogue, gatedResidual, linear, type Epilogue } from '../../src/gpu/reference/matmul.ts';
import type { MatmulParams } from '../../src/gpu/ops/matmul.ts';
import { decode, HARNESS, runKernelInPage } from '../support/gpu_page.ts';
import { expectClose } from '../support/compare.ts';

// f32 with f32 accumulation, inputs in [-1, 1], K ≤ 129: the sum's rounding error is a few ulps of
// its partial sums (≈1e-6 here); the GELU and SiLU epilogues add a few ulps more.
const TOLERANCE = { atol: 1e-5, rtol: 1e-5 };
// f16 storage: inputs are rounded to f16 before the reference sees them, accumulation is f32, so the
// error is the final rounding to f16 (half an ulp, 2^-11 relative) plus the f32 error above.
const F16_TOLERANCE = { atol: 1e-3, rtol: 1e-3 };

/** Deterministic values in [-1, 1], rounded to the storage type so the reference sees what the GPU sees. */
function randomValues(length: number, seed: number, precision: Precision = 'f32'): number[] {
  let state = seed >>> 0;
  const round = precision === 'f16' ? (v: number) => fromF16Bits(toF16Bits(v)) : Math.fround;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return round((state / 2 ** 32) * 2 - 1);
  });
}

async function hasF16(page: Page): Promise<boolean> {
  return page.evaluate(async () => !!(await navigator.gpu.requestAdapter())?.features.has('shader-f16'));
}

/** The uniform buffer's words, packed by the ops module itself (it imports WGSL, so it loads only in the page). */
async function uniforms(page: Page, params: MatmulParams): Promise<number[]> {
  return page.evaluate(async (p) => {
    const ops = (await import('/src/gpu/ops/matmul.ts' as string)) as typeof import('../../src/gpu/ops/matmul.ts');
    return Array.from(ops.matmulUniforms(p));
  }, params);
}

const f32 = (values: ArrayLike<number>) => ({ type: 'f32' as const, values });
const storage = (precision: Precision, values: ArrayLike<number>) => ({ type: precision, values });

interface Case {
  m: number;
  n: number;
  k: number;
  epilogue: Epilogue;
  hasBias: boolean;
}

const cases: Case[] = [
  { m: 1, n: 1, k: 1, epilogue: 'none', hasBias: true },
  { m: 17, n: 33, k: 65, epilogue: 'none', hasBias: true },
  { m: 64, n: 64, k: 64, epilogue: 'none', hasBias: false },
  { m: 100, n: 3, k: 129, epilogue: 'none', hasBias: true },
  // M = 1: a vector times a matrix (the time embedding's shape).
  { m: 1, n: 70, k: 40, epilogue: 'silu', hasBias: true },
  // K not a multiple of the K tile (16), several K steps, edge tiles in both M and N.
  { m: 65, n: 66, k: 37, epilogue: 'gelu_tanh', hasBias: true },
  { m: 5, n: 130, k: 19, epilogue: 'gelu_tanh', hasBias: false },
  { m: 70, n: 9, k: 24, epilogue: 'silu', hasBias: false },
];

async function checkMatmul(page: Page, c: Case, precision: Precision): Promise<void> {
  const x = randomValues(c.m * c.k, 1 + c.m, precision);
  const w = randomValues(c.n * c.k, 2 + c.n, precision);
  const b = c.hasBias ? randomValues(c.n, 3 + c.k, precision) : [0];
  const params: MatmulParams = { m: c.m, n: c.n, k: c.k, precision, hasBias: c.hasBias, epilogue: c.epilogue };
  const { y } = await runKernelInPage(page, {
    module: '/src/gpu/ops/matmul.ts',
    kernel: 'matmulKernel',
    params,
    data: {
      params: { type: 'u32', values: await uniforms(page, params) },
      x: storage(precision, x),
      w: storage(precision, w),
      b: storage(precision, b),
      y: { bytes: c.m * c.n * (precision === 'f16' ? 2 : 4) },
    },
  });
  const expected = applyEpilogue(linear(x, w, c.hasBias ? b : undefined, c.m, c.n, c.k), c.epilogue);
  expectClose(decode(y!, precision), expected, precision === 'f16' ? F16_TOLERANCE : TOLERANCE);
}

const describe = (c: Case) => `${c.m}×${c.n}×${c.k} ${c.epilogue}${c.hasBias ? ' + bias' : ''}`;

// Every case in one page, each a step: a fresh page per case cost more than the cases (attention.spec.ts:
// 60 s as one test a case, 36 s as one test, SwiftShader, 2026-12-06).
test('matmul f32 on every case', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(HARNESS);
  for (const c of cases) {
    await test.step(`matmul f32 ${describe(c)}`, async () => {
      await checkMatmul(page, c, 'f32');
    });
  }
});

for (const c of [cases[1]!, cases[3]!, cases[5]!, cases[6]!]) {
  test(`matmul f16 ${describe(c)}`, async ({ page }) => {
    await page.goto(HARNESS);
    test.skip(!(await hasF16(page)), 'adapter has no shader-f16');
    await checkMatmul(page, c, 'f16');
  });
}

test('matmul f32 with a small tile (32×16×8): tile shape is an override, not baked in', async ({ page }) => {
  await page.goto(HARNESS);
  const [m, n, k] = [45, 37, 29];
  const x = randomValues(m * k, 11);
  const w = randomValues(n * k, 12);
  const b = randomValues(n, 13);
  const params: MatmulParams = { m, n, k, precision: 'f32', hasBias: true, epilogue: 'gelu_tanh', tile: { m: 32, n: 16, k: 8 } };
  const { y } = await runKernelInPage(page, {
    module: '/src/gpu/ops/matmul.ts',
    kernel: 'matmulKernel',
    params,
    data: { params: { type: 'u32', values: await uniforms(page, params) }, x: f32(x), w: f32(w), b: f32(b), y: { bytes: m * n * 4 } },
  });
  expectClose(decode(y!, 'f32'), applyEpilogue(linear(x, w, b, m, n, k), 'gelu_tanh'), TOLERANCE);
});

test('matmul f32 writing a column slice of a wider y (a weight split by rows)', async ({ page }) => {
  await page.goto(HARNESS);
  // w holds rows 20..44 of a 60-row weight; this call fills columns 20..44 of a 17×60 y.
  const [m, n, k, fullN, nOffset] = [17, 25, 33, 60, 20];
  const x = randomValues(m * k, 21);
  const w = randomValues(n * k, 22);
  const fullBias = randomValues(fullN, 23);
  const params: MatmulParams = { m, n, k, precision: 'f32', hasBias: true, yStride: fullN, nOffset };
  const { y } = await runKernelInPage(page, {
    module: '/src/gpu/ops/matmul.ts',
    kernel: 'matmulKernel',
    params,
    data: { params: { type: 'u32', values: await uniforms(page, params) }, x: f32(x), w: f32(w), b: f32(fullBias), y: { bytes: m * fullN * 4 } },
  });
  const part = linear(x, w, fullBias.slice(nOffset, nOffset + n), m, n, k);
  // Columns outside the slice are untouched (the fresh buffer's zeros).
  const expected = Array.from({ length: m * fullN }, (_, i) => {
    const [row, column] = [Math.floor(i / fullN), i % fullN];
    return column >= nOffset && column < nOffset + n ? part[row * n + column - nOffset]! : 0;
  });
  expectClose(decode(y!, 'f32'), expected, TOLERANCE);
});

const gatedCases = [
  { m: 1, n: 1, k: 1, hasBias: true },
  { m: 17, n: 33, k: 65, hasBias: true },
  { m: 100, n: 3, k: 129, hasBias: false },
  { m: 66, n: 65, k: 20, hasBias: true },
];

type GatedCase = (typeof gatedCases)[number];

/** The residual and gate stay f32 at either precision (the DiT's residual stream is f32). */
async function checkGatedResidual(page: Page, c: GatedCase, precision: Precision): Promise<void> {
  const x = randomValues(c.m * c.k, 31 + c.m, precision);
  const w = randomValues(c.n * c.k, 32 + c.n, precision);
  const b = c.hasBias ? randomValues(c.n, 33, precision) : [0];
  const gate = randomValues(c.n, 34).map((g) => 2 * g);
  const residual = randomValues(c.m * c.n, 35).map((r) => Math.fround(10 * r));
  const params: MatmulParams = { m: c.m, n: c.n, k: c.k, precision, hasBias: c.hasBias };
  const { residual: updated } = await runKernelInPage(page, {
    module: '/src/gpu/ops/matmul.ts',
    kernel: 'matmulGatedResidualKernel',
    params,
    data: {
      params: { type: 'u32', values: await uniforms(page, params) },
      x: storage(precision, x),
      w: storage(precision, w),
      b: storage(precision, b),
      gate: f32(gate),
      residual: f32(residual),
    },
  });
  const projection = linear(x, w, c.hasBias ? b : undefined, c.m, c.n, c.k);
  // Nothing is rounded to f16 on the way out, so the f32 tolerance holds for both.
  expectClose(decode(updated!, 'f32'), gatedResidual(residual, gate, projection, c.m, c.n), TOLERANCE);
}

// Every case in one page, each a step: a fresh page per case cost more than the cases (attention.spec.ts:
// 60 s as one test a case, 36 s as one test, SwiftShader, 2026-12-06).
test('matmul_gated_residual f32 on every case', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(HARNESS);
  for (const c of gatedCases) {
    await test.step(`matmul_gated_residual f32 ${c.m}×${c.n}×${c.k}${c.hasBias ? ' + bias' : ''}`, async () => {
      await checkGatedResidual(page, c, 'f32');
    });
  }
});

test('matmul_gated_residual f16 17×33×65 + bias', async ({ page }) => {
  await page.goto(HARNESS);
  test.skip(!(await hasF16(page)), 'adapter has no shader-f16');
  await checkGatedResidual(page, gatedCases[1]!, 'f16');
});
