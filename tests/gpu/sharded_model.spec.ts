// A model whose DiT is split into shards with an index (as zoetrope-s ships: its f16 DiT is over
// the 16 MiB file limit) loads on both backends and makes exactly the frames of the same weights
// in one file. The sharded model is tiny-test's weights exported by models/train/
// make_tiny_sharded.py (export_zoetrope_s.py with a small file limit), made fresh for the test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { GeneratedClip, RunOutcome } from '../support/generate_page.ts';
import { HARNESS } from '../support/gpu_page.ts';
import { ModelServer } from '../support/model_server.ts';

type GeneratePage = typeof import('../support/generate_page.ts');

const PYTHON = '/usr/bin/python3';
const base = { prompt: 'a red ball bounces', durationSeconds: 0.25, aspect: '1:1', shortSide: 64, seed: 11 } as const;

let folder: string;
let server: ModelServer;

test.beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'zoetrope-sharded-'));
  execFileSync(PYTHON, ['models/train/make_tiny_sharded.py', folder], { stdio: 'pipe' });
  server = new ModelServer(folder);
  await server.start();
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function hashes(page: import('@playwright/test').Page, manifest: string, backend: 'wasm' | 'webgpu'): Promise<string[]> {
  await page.goto(HARNESS);
  const outcome: RunOutcome = await page.evaluate(
    async ({ manifest, request }) => ((await import('/tests/support/generate_page.ts' as string)) as GeneratePage).generateClips(manifest, [request]),
    { manifest, request: { ...base, backend } },
  );
  const run = outcome.runs[0]!;
  if ('error' in run) throw new Error(`generation failed: ${run.error}`);
  expect((run as GeneratedClip).clip.backend).toBe(backend);
  return (run as GeneratedClip).frameHashes;
}

test('the export really is sharded', () => {
  const files = readdirSync(folder);
  expect(files).toContain('dit.safetensors.index.json');
  expect(files.filter((f) => /^dit-\d{5}-of-\d{5}\.safetensors$/.test(f))).toHaveLength(2);
  expect(files).not.toContain('dit.safetensors');
});

for (const backend of ['wasm', 'webgpu'] as const) {
  test(`a sharded DiT makes the same frames as the single-file one on ${backend}`, async ({ page }) => {
    test.setTimeout(180_000);
    const single = await hashes(page, '/models/tiny-test/manifest.json', backend);
    const sharded = await hashes(page, `${server.url}/manifest.json`, backend);
    expect(single).toHaveLength(2);
    expect(sharded).toEqual(single);
  });
}
