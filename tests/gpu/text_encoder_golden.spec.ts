// The TypeScript T5 encoder (src/model/text_encoder.ts) on the tiny test model against the
// PyTorch goldens, f32 in headless Chromium.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { relativePositionBucket } from '../../src/gpu/reference/embedding.ts';
import { SafetensorsFile } from '../../src/model/weights.ts';
import { expectClose } from '../support/compare.ts';
import { HARNESS } from '../support/gpu_page.ts';

type ModelPage = typeof import('../support/model_page.ts');

const golden = SafetensorsFile.parse(new Uint8Array(readFileSync('tests/fixtures/goldens/text_encoder.safetensors')));
const weights = SafetensorsFile.parse(new Uint8Array(readFileSync('models/tiny-test/text_encoder.safetensors')));
const config = JSON.parse(readFileSync('models/tiny-test/manifest.json', 'utf8')).config.text_encoder;

// Two blocks of f32 matmuls (K ≤ 128), norms and attention against PyTorch f32 on the same weights.
const TOLERANCE = { atol: 2e-4, rtol: 1e-3 };

test('the relative-position bias as a table over key − query offsets equals PyTorch’s (heads, L, L) bias', () => {
  const bias = golden.f32('blocks.0.pos_bias'); // (heads, L, L)
  const table = weights.f32('blocks.0.pos_embedding.embedding.weight'); // (buckets, heads)
  const L = config.text_len;
  for (let h = 0; h < config.num_heads; h++)
    for (let q = 0; q < L; q++)
      for (let k = 0; k < L; k++) {
        const bucket = relativePositionBucket(k - q, { numBuckets: config.num_buckets, maxDistance: config.max_distance });
        expect(table[bucket * config.num_heads + h]).toBe(bias[(h * L + q) * L + k]);
      }
});

test('text encoder forward matches the PyTorch goldens block by block', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(HARNESS);
  const traces = await page.evaluate(async () => ((await import('/tests/support/model_page.ts' as string)) as ModelPage).runTextEncoderGolden());
  for (const name of ['token_embedding', 'blocks.0', 'blocks.1', 'output', 'output.padded']) {
    expect(traces[name], `the TS encoder traces ${name}`).toBeDefined();
    expectClose(traces[name]!, golden.f32(name), TOLERANCE, name);
  }
});
