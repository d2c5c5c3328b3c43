// ModelStore.loadBlobs (src/store/blob_download.ts) in Chromium against a real local HTTP server
// laid out as a Hugging Face Hub repository: the file list from hubModelInfo (src/store/hub_listing.ts),
// a download cut and resumed with Range, the Blob read back equal to the served bytes, a load from
// IndexedDB with no request, a file whose chunks no longer add up fetched again, deletion, a wrong
// byte refused with nothing kept, a full disk, and a host that ignores Range. One page, one test
// (each step builds on the last, and browser tests' time is short).
import { expect, test, type Page } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { HARNESS } from '../support/gpu_page.ts';
import { ModelServer } from '../support/model_server.ts';

type CacheModule = typeof import('../../src/store/model_cache.ts');
type DbModule = typeof import('../../src/store/model_db.ts');
type HubModule = typeof import('../../src/store/hub_listing.ts');

const REPO = 'acme/tiny-video';
const NAME = 'tiny-video';
// Small chunks so the 3 MB file spans a dozen of them, the last one short.
const CHUNK_BYTES = 256 * 1024;
const weights = randomBytes(3 * 1024 * 1024 + 123);
const config = Buffer.from('{"dim": 64}\n');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const gitSha1 = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
const totalBytes = config.length + weights.length;
const expectedHashes = { 'config.json': sha256(config), 'weights.bin': sha256(weights) };
const WEIGHTS = `${REPO}/resolve/main/weights.bin`;
const CONFIG = `${REPO}/resolve/main/config.json`;

let server: ModelServer;

test.beforeEach(async ({ page }) => {
  server = new ModelServer();
  server.serve(`api/models/${REPO}/tree/main`, JSON.stringify([
    { type: 'file', path: 'config.json', size: config.length, oid: gitSha1(config) },
    { type: 'file', path: 'weights.bin', size: weights.length, oid: '1'.repeat(40), lfs: { oid: sha256(weights), size: weights.length, pointerSize: 133 } },
    { type: 'file', path: 'README.md', size: 5, oid: '2'.repeat(40) },
  ]));
  server.serve(WEIGHTS, weights);
  server.serve(CONFIG, config);
  await server.start();
  await page.goto(HARNESS);
});

test.afterEach(async () => {
  await server.stop();
});

interface BlobsResult {
  /** sha256 and size of each Blob, read back in the page. */
  files: Record<string, { sha256: string; size: number }>;
  progress: { file: string; loadedBytes: number; totalBytes: number }[];
  error: { code?: string; message: string } | null;
}

/** Loads the listed model through loadBlobs in the page (listing made by the first step, kept on globalThis). */
function loadBlobs(page: Page): Promise<BlobsResult> {
  return page.evaluate(async (chunkBytes) => {
    const { ModelStore } = (await import('/src/store/model_cache.ts' as string)) as CacheModule;
    const { info, urlOf } = (globalThis as unknown as { listing: Awaited<ReturnType<HubModule['hubModelInfo']>> }).listing;
    const store = await ModelStore.open({ chunkBytes });
    const progress: BlobsResult['progress'] = [];
    try {
      const blobs = await store.loadBlobs(info, urlOf, (p) => void progress.push(p));
      const files: BlobsResult['files'] = {};
      for (const [path, blob] of blobs) {
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
        files[path] = { sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''), size: blob.size };
      }
      return { files, progress, error: null };
    } catch (e) {
      return { files: {}, progress, error: { code: (e as { code?: string }).code, message: (e as Error).message } };
    } finally {
      store.close();
    }
  }, CHUNK_BYTES);
}

/** What the store holds: list(), and the weights file's record and chunks (all Blobs?). */
function stored(page: Page) {
  return page.evaluate(
    async ({ name, sha }) => {
      const { ModelStore } = (await import('/src/store/model_cache.ts' as string)) as CacheModule;
      const { openModelDb, chunksOf } = (await import('/src/store/model_db.ts' as string)) as DbModule;
      const store = await ModelStore.open();
      const listed = await store.list();
      store.close();
      const db = await openModelDb();
      const record = await db.get('files', [name, sha]);
      const chunks = await db.getAll('chunks', chunksOf(name, sha));
      const counts = { models: await db.count('models'), files: await db.count('files'), chunks: await db.count('chunks') };
      db.close();
      const blobs = chunks.every((c) => c.data instanceof Blob);
      const chunkBytes = chunks.reduce((sum, c) => sum + (c.data instanceof Blob ? c.data.size : c.data.byteLength), 0);
      return { listed, record: record ?? null, chunkCount: chunks.length, chunkBytes, blobs, counts };
    },
    { name: NAME, sha: sha256(weights) },
  );
}

const gets = (path: string) => server.gets(path).map((r) => [r.range, r.status]);

test('Blob files through the store: listed on a hub, cut and resumed, read back, cached, refused when wrong, deleted', async ({ page }) => {
  // The file list from the hub's tree API: the files asked for, with the digest each is checked by.
  const listed = await page.evaluate(
    async ({ hub, repo, name }) => {
      const { hubModelInfo } = (await import('/src/store/hub_listing.ts' as string)) as HubModule;
      const listing = await hubModelInfo({ hub, repo, name, version: '1', paths: ['config.json', 'weights.bin'] });
      (globalThis as unknown as { listing: typeof listing }).listing = listing;
      return { info: listing.info, urls: listing.info.files.map(listing.urlOf) };
    },
    { hub: server.url, repo: REPO, name: NAME },
  );
  expect(listed.info).toEqual({
    name: NAME,
    version: '1',
    files: [
      { path: 'config.json', bytes: config.length, sha256: gitSha1(config), digest: 'git-blob-sha1' },
      { path: 'weights.bin', bytes: weights.length, sha256: sha256(weights) },
    ],
    totalBytes,
    config: { repo: REPO, revision: 'main' },
  });
  expect(listed.urls).toEqual([`${server.url}/${CONFIG}`, `${server.url}/${WEIGHTS}`]);

  // Cut mid-way: every byte that arrived is kept, as Blob chunks, and nothing is complete.
  const cutAt = 1_000_000;
  server.behaviour = { kind: 'cut', file: WEIGHTS, afterBytes: cutAt };
  const cut = await loadBlobs(page);
  expect(cut.error?.code).toBe('model-fetch-failed');
  expect(cut.error?.message).toContain('weights.bin');
  let held = await stored(page);
  expect(held.record).toMatchObject({ complete: false, storedBytes: cutAt, chunkBytes: CHUNK_BYTES });
  expect(held).toMatchObject({ chunkBytes: cutAt, chunkCount: Math.ceil(cutAt / CHUNK_BYTES), blobs: true });
  expect(held.listed).toEqual([expect.objectContaining({ name: NAME, totalBytes, storedBytes: config.length + cutAt, complete: false })]);

  // Resumed: only the rest is asked for, and the Blobs hold exactly the served bytes.
  server.behaviour = { kind: 'normal' };
  const resumed = await loadBlobs(page);
  expect(resumed.error).toBeNull();
  expect(resumed.files).toEqual({
    'config.json': { sha256: expectedHashes['config.json'], size: config.length },
    'weights.bin': { sha256: expectedHashes['weights.bin'], size: weights.length },
  });
  expect(gets(WEIGHTS)).toEqual([[null, 200], [`bytes=${cutAt}-`, 206]]);
  expect(server.gets(WEIGHTS).reduce((sum, r) => sum + r.bytesSent, 0)).toBe(weights.length);
  expect(gets(CONFIG)).toHaveLength(1);
  const loaded = resumed.progress.map((p) => p.loadedBytes);
  expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
  expect(resumed.progress.at(-1)).toMatchObject({ loadedBytes: totalBytes, totalBytes });
  held = await stored(page);
  expect(held.record).toMatchObject({ complete: true, storedBytes: weights.length });
  expect(held).toMatchObject({ chunkBytes: weights.length, chunkCount: Math.ceil(weights.length / CHUNK_BYTES), blobs: true });
  expect(held.listed).toEqual([expect.objectContaining({ storedBytes: totalBytes, complete: true, manifestUrl: `${server.url}/${REPO}/resolve/main/` })]);

  // Loaded again: from IndexedDB, the server hears nothing.
  let before = server.requests.length;
  const cached = await loadBlobs(page);
  expect(cached.error).toBeNull();
  expect(cached.files).toEqual(resumed.files);
  expect(cached.progress.at(-1)).toMatchObject({ loadedBytes: totalBytes, totalBytes });
  expect(server.requests.length).toBe(before);

  // A chunk lost from the store: the file no longer adds up, so it is fetched again (and only it).
  await page.evaluate(async ({ name, sha }) => {
    const { openModelDb } = (await import('/src/store/model_db.ts' as string)) as DbModule;
    const db = await openModelDb();
    await db.delete('chunks', [name, sha, 3]);
    db.close();
  }, { name: NAME, sha: sha256(weights) });
  before = server.requests.length;
  const refetched = await loadBlobs(page);
  expect(refetched.error).toBeNull();
  expect(refetched.files).toEqual(resumed.files);
  expect(server.requests.slice(before).map((r) => [r.path, r.range])).toEqual([[`/${WEIGHTS}`, null]]);

  // Deleted: the model and every byte of it are gone.
  const deleted = await page.evaluate(async (name) => {
    const { ModelStore } = (await import('/src/store/model_cache.ts' as string)) as CacheModule;
    const store = await ModelStore.open();
    const result = await store.delete(name);
    store.close();
    return result;
  }, NAME);
  expect(deleted).toBe(true);
  held = await stored(page);
  expect(held.listed).toEqual([]);
  expect(held.counts).toEqual({ models: 0, files: 0, chunks: 0 });

  // A wrong byte from the server: refused, and nothing of that file kept or marked complete.
  server.behaviour = { kind: 'wrong-byte', file: WEIGHTS, offset: 2_000_000 };
  const wrong = await loadBlobs(page);
  expect(wrong.error?.code).toBe('model-invalid');
  expect(wrong.error?.message).toContain('weights.bin arrived damaged');
  held = await stored(page);
  expect(held).toMatchObject({ record: null, chunkCount: 0 });
  expect(held.listed).toEqual([expect.objectContaining({ name: NAME, storedBytes: config.length, complete: false })]);

  // No room for the rest: refused before downloading, saying how much more it needs.
  server.behaviour = { kind: 'normal' };
  await page.evaluate(() => {
    navigator.storage.estimate = async () => ({ usage: 9_000_000, quota: 10_000_000 });
  });
  before = server.requests.length;
  const full = await loadBlobs(page);
  expect(full.error?.code).toBe('storage-full');
  expect(full.error?.message).toContain(`it needs ${(weights.length / 1e6).toFixed(1)} MB more`);
  expect(server.requests.length).toBe(before);

  // A host that ignores Range after a cut: the whole file comes again, and is taken from its start.
  await page.evaluate(() => {
    navigator.storage.estimate = async () => ({ usage: 0, quota: 1e12 });
  });
  server.behaviour = { kind: 'cut', file: WEIGHTS, afterBytes: 600_000 };
  expect((await loadBlobs(page)).error?.code).toBe('model-fetch-failed');
  server.behaviour = { kind: 'normal' };
  server.rangeSupport = false;
  before = server.gets(WEIGHTS).length;
  const whole = await loadBlobs(page);
  expect(whole.error).toBeNull();
  expect(whole.files).toEqual(resumed.files);
  expect(gets(WEIGHTS).slice(before)).toEqual([['bytes=600000-', 200]]);
});
