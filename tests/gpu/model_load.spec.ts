// Engine.loadModel through the worker against the dev server: streamed progress, size and sha256
// checks, and the typed errors a person sees when a model is missing or damaged.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';

type ClientModule = typeof import('../../src/worker/client.ts');

const FIXTURE = '/tests/fixtures/model';
const manifest = JSON.parse(readFileSync(`tests/fixtures/model/manifest.json`, 'utf8')) as {
  files: { path: string; bytes: number }[];
};
const totalBytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);

async function load(page: import('@playwright/test').Page, manifestPath: string) {
  return page.evaluate(async (url) => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const engine = createEngineClient();
    const progress: { file: string; loadedBytes: number; totalBytes: number; bytesPerSecond: number }[] = [];
    try {
      const info = await engine.loadModel(url, (p) => progress.push(p));
      return { info, progress, error: null };
    } catch (e) {
      return { info: null, progress, error: { code: (e as { code?: string }).code, message: (e as Error).message } };
    } finally {
      engine.terminate();
    }
  }, new URL(manifestPath, page.url()).href);
}

test.beforeEach(async ({ page }) => {
  await page.goto('/tests/gpu/harness.html');
});

test('loads every file of a manifest with streamed progress and checks it', async ({ page }) => {
  const { info, progress, error } = await load(page, `${FIXTURE}/manifest.json`);
  expect(error).toBeNull();
  expect(info).toMatchObject({ name: 'fixture', version: '1', totalBytes, config: { name: 'fixture' } });
  expect(info!.files.map((f) => f.path)).toEqual(['weights-00001.bin', 'weights-00002.bin']);
  expect(progress.length).toBeGreaterThanOrEqual(2);
  const loaded = progress.map((p) => p.loadedBytes);
  expect(loaded).toEqual([...loaded].sort((a, b) => a - b)); // never goes backwards
  expect(progress.at(-1)).toMatchObject({ loadedBytes: totalBytes, totalBytes });
  expect(progress.every((p) => p.bytesPerSecond > 0)).toBe(true);
});

test('a file whose sha256 does not match is rejected as damaged', async ({ page }) => {
  const { info, error } = await load(page, `${FIXTURE}/manifest-wrong-hash.json`);
  expect(info).toBeNull();
  expect(error?.code).toBe('model-invalid');
  expect(error?.message).toContain('weights-00002.bin arrived damaged');
});

test('a missing file is reported as a download failure', async ({ page }) => {
  const { error } = await load(page, `${FIXTURE}/manifest-missing-file.json`);
  expect(error?.code).toBe('model-fetch-failed');
  expect(error?.message).toContain('weights-00003.bin');
});

test('a manifest that is not a manifest is rejected before any download', async ({ page }) => {
  const { error, progress } = await load(page, '/package.json');
  expect(error?.code).toBe('model-invalid');
  expect(progress).toEqual([]);
});

test('the engine keeps a loaded model in this browser: the next load needs no network; list and delete work', async ({ page }) => {
  const fetched: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/models/tiny-test/')) fetched.push(request.url());
  });
  const result = await page.evaluate(async () => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const engine = createEngineClient();
    const url = new URL('/models/tiny-test/manifest.json', location.href).href;
    await engine.loadModel(url);
    await engine.loadModel(url);
    const listed = await engine.listModels();
    const usage = await engine.storageUse();
    const deleted = await engine.deleteModel('tiny-test');
    const listedAfter = await engine.listModels();
    engine.terminate();
    return { listed, usage, deleted, listedAfter };
  });
  // The first load fetched the manifest and every file; the second fetched nothing.
  const tiny = JSON.parse(readFileSync('models/tiny-test/manifest.json', 'utf8')) as { files: unknown[] };
  expect(fetched.length).toBe(1 + tiny.files.length);
  expect(result.listed).toEqual([expect.objectContaining({ name: 'tiny-test', complete: true, storedBytes: result.listed[0]!.totalBytes })]);
  expect(result.usage.quota).toBeGreaterThan(0);
  expect(result.deleted).toBe(true);
  expect(result.listedAfter).toEqual([]);
});
