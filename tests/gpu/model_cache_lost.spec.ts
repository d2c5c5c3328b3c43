// The model store (src/store/model_cache.ts) when the browser takes its storage away in the middle
// of a download: the site's data cleared through the DevTools protocol (Storage.clearDataForOrigin,
// what "Clear site data" does), which closes the store's IndexedDB connection under it. The load
// must start over on a new connection, say so in its progress, and leave the model stored whole.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { HARNESS } from '../support/gpu_page.ts';
import { ModelServer } from '../support/model_server.ts';

type CacheModule = typeof import('../../src/store/model_cache.ts');

const FOLDER = 'models/tiny-test';
const manifest = JSON.parse(readFileSync(`${FOLDER}/manifest.json`, 'utf8')) as { files: { path: string; sha256: string }[] };
const expectedHashes = Object.fromEntries(manifest.files.map((f) => [f.path, f.sha256]));

let server: ModelServer;

test.beforeEach(async ({ page }) => {
  server = new ModelServer(FOLDER);
  await server.start();
  await page.goto(HARNESS);
});

test.afterEach(async () => {
  await server.stop();
});

interface Outcome {
  hashes: Record<string, string>;
  notices: string[];
  error: string | null;
}

/** Starts loading the model in the page; `window.loadOutcome` settles with what the page saw. */
async function startLoad(page: import('@playwright/test').Page, url: string): Promise<void> {
  await page.evaluate(async (manifestUrl) => {
    const { ModelStore } = (await import('/src/store/model_cache.ts' as string)) as CacheModule;
    const state = globalThis as unknown as { loadedBytes: number; loadOutcome: Promise<Outcome> };
    state.loadedBytes = 0;
    state.loadOutcome = (async () => {
      const store = await ModelStore.open({ chunkBytes: 64 * 1024 });
      const notices: string[] = [];
      try {
        const { files } = await store.load(manifestUrl, (p) => {
          state.loadedBytes = p.loadedBytes;
          if (p.notice && !notices.includes(p.notice)) notices.push(p.notice);
        });
        const hashes: Record<string, string> = {};
        for (const [path, bytes] of files) {
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          hashes[path] = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
        }
        return { hashes, notices, error: null };
      } catch (error) {
        return { hashes: {}, notices, error: `${(error as Error).name}: ${(error as Error).message}` };
      } finally {
        store.close();
      }
    })();
  }, url);
}

const outcome = (page: import('@playwright/test').Page) => page.evaluate(() => (globalThis as unknown as { loadOutcome: Promise<Outcome> }).loadOutcome);

test('site data cleared mid-download: the load starts over, says so, and the model ends up stored whole', async ({ page }) => {
  // About 3 s for the 1.8 MB model, so the clearing lands in the middle of it.
  server.behaviour = { kind: 'slow', pieceBytes: 16 * 1024, delayMs: 25 };
  await startLoad(page, `${server.url}/manifest.json`);
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { loadedBytes: number }).loadedBytes), { timeout: 30_000 }).toBeGreaterThan(200_000);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(page.url()).origin, storageTypes: 'indexeddb' });

  const first = await outcome(page);
  expect(first.error).toBeNull();
  expect(first.hashes).toEqual(expectedHashes);
  expect(first.notices).toEqual([expect.stringContaining('stored data was cleared while the model was loading')]);

  // Stored whole after the restart: it loads again with the server gone.
  server.behaviour = { kind: 'normal' };
  await server.stop();
  await startLoad(page, `${server.url}/manifest.json`);
  const offline = await outcome(page);
  expect(offline.error).toBeNull();
  expect(offline.hashes).toEqual(expectedHashes);
  expect(offline.notices).toEqual([]);
});
