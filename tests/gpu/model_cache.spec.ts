// The model store (src/store/model_cache.ts) in Chromium against a real local HTTP server that
// serves models/tiny-test: first download, loads from IndexedDB with no network, offline, resume
// after a cut, a corrupted cached byte, a wrong byte from the server, a full disk, and deletion.
// Playwright gives each test a fresh browser context, so IndexedDB starts empty every time.
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HARNESS } from '../support/gpu_page.ts';
import { ModelServer } from '../support/model_server.ts';

type CacheModule = typeof import('../../src/store/model_cache.ts');
type DownloadModule = typeof import('../../src/store/download.ts');
type DbModule = typeof import('../../src/store/model_db.ts');

const FOLDER = 'models/tiny-test';
const manifest = JSON.parse(readFileSync(`${FOLDER}/manifest.json`, 'utf8')) as {
  files: { path: string; bytes: number; sha256: string }[];
};
const totalBytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
const expectedHashes = Object.fromEntries(manifest.files.map((f) => [f.path, f.sha256]));
const dit = manifest.files.find((f) => f.path === 'dit.safetensors')!;
// Small chunks so that the 1.2 MB DiT file spans several of them.
const CHUNK_BYTES = 256 * 1024;

let server: ModelServer;

test.beforeEach(async ({ page }) => {
  server = new ModelServer(FOLDER);
  await server.start();
  await page.goto(HARNESS);
});

test.afterEach(async () => {
  await server.stop();
});

interface LoadResult {
  info: { name: string; version: string; totalBytes: number } | null;
  hashes: Record<string, string>;
  progress: { file: string; loadedBytes: number; totalBytes: number; bytesPerSecond: number }[];
  error: { code?: string; message: string } | null;
}

/** Opens a new ModelStore in the page, loads the model, and returns what the page saw. */
function load(page: Page): Promise<LoadResult> {
  return page.evaluate(
    async ({ url, chunkBytes }) => {
      const { ModelStore } = (await import('/src/store/model_cache.ts' as string)) as CacheModule;
      const { sha256Hex } = (await import('/src/store/download.ts' as string)) as DownloadModule;
      const store = await ModelStore.open({ chunkBytes });
      const progress: LoadResult['progress'] = [];
      try {
        const { info, files } = await store.load(url, (p) => void progress.push(p));
        const hashes: Record<string, string> = {};
        for (const [path, bytes] of files) hashes[path] = await sha256Hex(bytes);
        return { info: { name: info.name, version: info.version, totalBytes: info.totalBytes }, hashes, progress, error: null };
      } catch (e) {
        return { info: null, hashes: {}, progress, error: { code: (e as { code?: string }).code, message: (e as Error).message } };
      } finally {
        store.close();
      }
    },
    { url: `${server.url}/manifest.json`, chunkBytes: CHUNK_BYTES },
  );
}

/** What IndexedDB holds for one file: its record and the bytes of all its chunks. */
function storedFile(page: Page, sha256: string) {
  return page.evaluate(async (sha) => {
    const { openModelDb, chunksOf } = (await import('/src/store/model_db.ts' as string)) as DbModule;
    const db = await openModelDb();
    const record = await db.get('files', ['tiny-test', sha]);
    const chunks = await db.getAll('chunks', chunksOf('tiny-test', sha));
    db.close();
    return { record: record ?? null, chunkBytes: chunks.reduce((sum, c) => sum + (c.data as Uint8Array).byteLength, 0) };
  }, sha256);
}

test('first download reports progress to the total and stores files that match the manifest', async ({ page }) => {
  server.behaviour = { kind: 'slow', pieceBytes: 64 * 1024, delayMs: 5 };
  await page.evaluate(() => {
    const calls = globalThis as { persistCalls?: number };
    calls.persistCalls = 0;
    navigator.storage.persist = async () => ((calls.persistCalls! += 1), true);
  });
  const first = await load(page);
  expect(first.error).toBeNull();
  expect(first.info).toEqual({ name: 'tiny-test', version: '1', totalBytes });
  expect(first.hashes).toEqual(expectedHashes);
  const loaded = first.progress.map((p) => p.loadedBytes);
  expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
  expect(first.progress.length).toBeGreaterThan(manifest.files.length); // several events within files
  expect(first.progress.at(-1)).toMatchObject({ loadedBytes: totalBytes, totalBytes });
  expect(first.progress.every((p) => p.bytesPerSecond > 0)).toBe(true);
  expect(await page.evaluate(() => (globalThis as { persistCalls?: number }).persistCalls)).toBe(1);
  expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(1 + manifest.files.length);

  // The second load comes from IndexedDB: the server hears nothing, not even for the manifest.
  const before = server.requests.length;
  const second = await load(page);
  expect(second.error).toBeNull();
  expect(second.hashes).toEqual(expectedHashes);
  expect(second.progress.at(-1)).toMatchObject({ loadedBytes: totalBytes, totalBytes });
  expect(server.requests.length).toBe(before);
});

test('a cached model loads with the server gone (offline)', async ({ page }) => {
  expect((await load(page)).error).toBeNull();
  await server.stop();
  const offline = await load(page);
  expect(offline.error).toBeNull();
  expect(offline.hashes).toEqual(expectedHashes);
});

test('a cut download resumes with a Range request instead of starting over', async ({ page }) => {
  const cutAt = 600_000;
  server.behaviour = { kind: 'cut', file: dit.path, afterBytes: cutAt };
  const cut = await load(page);
  expect(cut.error?.code).toBe('model-fetch-failed');
  expect(cut.error?.message).toContain('dit.safetensors');
  // Every byte that arrived before the cut is kept, not only whole chunks.
  const kept = await storedFile(page, dit.sha256);
  expect(kept.record).toMatchObject({ complete: false, storedBytes: cutAt });
  expect(kept.chunkBytes).toBe(cutAt);

  server.behaviour = { kind: 'normal' };
  const resumed = await load(page);
  expect(resumed.error).toBeNull();
  expect(resumed.hashes).toEqual(expectedHashes);
  const gets = server.gets(dit.path);
  expect(gets.map((r) => r.range)).toEqual([null, `bytes=${cutAt}-`]);
  expect(gets[1]!.status).toBe(206);
  expect(gets.reduce((sum, r) => sum + r.bytesSent, 0)).toBe(dit.bytes); // not twice
  // Files completed before the cut are not fetched again.
  expect(server.gets('text_encoder.safetensors')).toHaveLength(1);
});

test('a server that ignores Range gets a full download instead', async ({ page }) => {
  server.behaviour = { kind: 'cut', file: dit.path, afterBytes: 300_000 };
  expect((await load(page)).error?.code).toBe('model-fetch-failed');
  server.behaviour = { kind: 'normal' };
  server.rangeSupport = false;
  const resumed = await load(page);
  expect(resumed.error).toBeNull();
  expect(resumed.hashes).toEqual(expectedHashes);
  const gets = server.gets(dit.path);
  expect(gets.map((r) => [r.range, r.status])).toEqual([[null, 200], ['bytes=300000-', 200]]);
});

test('a cancelled download keeps what arrived and the next load resumes from there', async ({ page }) => {
  server.behaviour = { kind: 'slow', pieceBytes: 32 * 1024, delayMs: 20 };
  const cancelled = await page.evaluate(
    async ({ url, chunkBytes, after }) => {
      const { ModelStore } = (await import('/src/store/model_cache.ts' as string)) as CacheModule;
      const store = await ModelStore.open({ chunkBytes });
      const controller = new AbortController();
      try {
        await store.load(url, (p) => {
          if (p.file === 'dit.safetensors' && p.loadedBytes > after) controller.abort(new DOMException('stop', 'AbortError'));
        }, controller.signal);
        return 'finished';
      } catch (e) {
        return (e as Error).name;
      } finally {
        store.close();
      }
    },
    { url: `${server.url}/manifest.json`, chunkBytes: CHUNK_BYTES, after: 1_000_000 },
  );
  expect(cancelled).toBe('AbortError');
  const kept = await storedFile(page, dit.sha256);
  expect(kept.record?.storedBytes).toBeGreaterThan(0);
  expect(kept.chunkBytes).toBe(kept.record?.storedBytes);

  server.behaviour = { kind: 'normal' };
  expect((await load(page)).hashes).toEqual(expectedHashes);
  expect(server.gets(dit.path).at(-1)?.range).toBe(`bytes=${kept.record!.storedBytes}-`);
});

test('a corrupted byte in IndexedDB is detected and the file fetched again', async ({ page }) => {
  expect((await load(page)).error).toBeNull();
  await page.evaluate(async (sha) => {
    const { openModelDb } = (await import('/src/store/model_db.ts' as string)) as DbModule;
    const db = await openModelDb();
    const key: [string, string, number] = ['tiny-test', sha, 1];
    const chunk = (await db.get('chunks', key))!;
    (chunk.data as Uint8Array)[1234]! ^= 0x01; // load() stores Uint8Array chunks (Blobs are loadBlobs')
    await db.put('chunks', chunk, key);
    db.close();
  }, dit.sha256);

  const before = server.requests.length;
  const reloaded = await load(page);
  expect(reloaded.error).toBeNull();
  expect(reloaded.hashes).toEqual(expectedHashes);
  const fetched = server.requests.slice(before).filter((r) => r.method === 'GET');
  expect(fetched.map((r) => r.path)).toEqual([`/${dit.path}`]);
  expect((await storedFile(page, dit.sha256)).record).toMatchObject({ complete: true, storedBytes: dit.bytes });
});

test('a wrong byte from the server is rejected and nothing of that file is kept', async ({ page }) => {
  server.behaviour = { kind: 'wrong-byte', file: dit.path, offset: 700_000 };
  const bad = await load(page);
  expect(bad.error?.code).toBe('model-invalid');
  expect(bad.error?.message).toContain('dit.safetensors arrived damaged');
  expect(await storedFile(page, dit.sha256)).toEqual({ record: null, chunkBytes: 0 });

  server.behaviour = { kind: 'normal' };
  const good = await load(page);
  expect(good.error).toBeNull();
  expect(good.hashes).toEqual(expectedHashes);
  expect(server.gets(dit.path).map((r) => r.range)).toEqual([null, null]);
});

test('a model that cannot fit is refused before downloading, saying how much is needed', async ({ page }) => {
  await page.evaluate(() => {
    navigator.storage.estimate = async () => ({ usage: 9_000_000, quota: 10_000_000 });
  });
  const full = await load(page);
  expect(full.error?.code).toBe('storage-full');
  expect(full.error?.message).toContain(`it needs ${(totalBytes / 1e6).toFixed(1)} MB more`);
  expect(full.error?.message).toContain('1.0 MB more');
  expect(full.error?.message).toContain('Delete models you no longer use');
  expect(server.requests.filter((r) => r.path !== '/manifest.json')).toEqual([]);
});

test('list shows cached models with sizes, and delete removes the model and its bytes', async ({ page }) => {
  expect((await load(page)).error).toBeNull();
  const result = await page.evaluate(async () => {
    const { ModelStore } = (await import('/src/store/model_cache.ts' as string)) as CacheModule;
    const { openModelDb } = (await import('/src/store/model_db.ts' as string)) as DbModule;
    const store = await ModelStore.open();
    const listed = await store.list();
    const usage = await store.usage();
    const deleted = await store.delete('tiny-test');
    const deletedAgain = await store.delete('tiny-test');
    const after = await store.list();
    store.close();
    const db = await openModelDb();
    const left = { files: await db.count('files'), chunks: await db.count('chunks'), models: await db.count('models') };
    db.close();
    return { listed, usage, deleted, deletedAgain, after, left };
  });
  expect(result.listed).toEqual([
    expect.objectContaining({ name: 'tiny-test', version: '1', totalBytes, storedBytes: totalBytes, complete: true }),
  ]);
  expect(result.usage.quota).toBeGreaterThan(0);
  expect(result.deleted).toBe(true);
  expect(result.deletedAgain).toBe(false);
  expect(result.after).toEqual([]);
  expect(result.left).toEqual({ files: 0, chunks: 0, models: 0 });

  // Deleted means gone: the next load downloads again.
  const before = server.requests.length;
  expect((await load(page)).error).toBeNull();
  expect(server.requests.length).toBeGreaterThan(before);
});

// The tests trust the manifest's hashes; this checks once that the served files really have them.
test('the served fixture matches its manifest', () => {
  for (const f of manifest.files) {
    expect(createHash('sha256').update(readFileSync(`${FOLDER}/${f.path}`)).digest('hex')).toBe(f.sha256);
  }
});
