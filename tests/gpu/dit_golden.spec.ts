// The TypeScript DiT (src/model/dit.ts) on the tiny test model against the PyTorch goldens
// (models/train/export_goldens.py), block by block, f32 in headless Chromium.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { SafetensorsFile } from '../../src/model/weights.ts';
import { expectClose } from '../support/compare.ts';
import { HARNESS } from '../support/gpu_page.ts';

type ModelPage = typeof import('../support/model_page.ts');

const golden = SafetensorsFile.parse(new Uint8Array(readFileSync('tests/fixtures/goldens/dit.safetensors')));

// f32 kernels against PyTorch f32 on the same (f16-rounded) weights: sums of a few hundred
// products per output, two blocks deep; activations are O(1).
const TOLERANCE = { atol: 2e-4, rtol: 1e-3 };

test('DiT on tiny-test, loaded through its manifest, matches the PyTorch goldens at every traced stage; memory stays flat', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(HARNESS);
  const run = await page.evaluate(async () => ((await import('/tests/support/model_page.ts' as string)) as ModelPage).runDitGolden());
  const compared: string[] = [];
  for (const name of golden.tensors.keys()) {
    if (name.startsWith('input.') || name.startsWith('rope.')) continue;
    const actual = run.traces[name];
    expect(actual, `the TS DiT traces ${name}`).toBeDefined();
    expectClose(actual!, golden.f32(name), TOLERANCE, name);
    compared.push(name);
  }
  expect(compared).toContain('output');
  expect(compared.length).toBeGreaterThanOrEqual(12);
  // Everything acquired in a step is released, and the second step allocates nothing new.
  expect(run.pool.liveAfterFirst).toBe(0);
  expect(run.pool.liveAfterSecond).toBe(0);
  expect(run.pool.heldAfterSecond).toBe(run.pool.heldAfterFirst);
});
