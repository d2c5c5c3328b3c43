// Cross-origin isolation where the host cannot send headers: the built app served by a plain
// static host (no COOP/COEP). The first load is not isolated; once the service worker controls
// the page, a reload is, because the worker adds the headers to what it serves.
import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { StaticHost } from '../support/static_host.ts';

// dist/ is what the e2e project's web server has just built.
const host = new StaticHost(fileURLToPath(new URL('../../dist', import.meta.url)));
test.beforeAll(() => host.start());
test.afterAll(() => host.stop());

test('the service worker makes the page cross-origin isolated on a host without COOP/COEP', async ({ page }) => {
  await page.goto(`${host.url}/`);
  await expect(page.getByTestId('prompt')).toBeVisible();
  // The host really sent no isolation headers, so the first load is not isolated.
  expect(host.sentHeaders.get('/')).not.toHaveProperty('Cross-Origin-Embedder-Policy');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  // Without isolation there is no SharedArrayBuffer, so the WASM backend runs on one thread.
  await page.getByTestId('device-open').click();
  await expect(page.getByTestId('device-backend-in-use')).toContainText('WASM threads: 1.');
  await page.keyboard.press('Escape');

  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((done) => navigator.serviceWorker.addEventListener('controllerchange', done, { once: true }));
    }
  });
  await page.reload();
  await expect(page.getByTestId('prompt')).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  // The engine worker (a precached script) still starts under COEP: the GPU status arrives.
  await expect(page.getByTestId('gpu-badge')).toHaveAttribute('data-tone', 'warn');
  // And the bundled model still loads (fetched from the host, not from the service worker's cache).
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // Now the WASM backend has its threads, and a clip is made with them (ORT's thread workers start under COEP).
  await page.getByTestId('device-open').click();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(page.getByTestId('device-backend-in-use')).toContainText(`WASM threads: ${Math.min(4, cores)}.`);
  await page.keyboard.press('Escape');
  await page.getByTestId('settings').locator('input[type=range]').fill('1');
  await page.getByTestId('prompt').fill('a red ball');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 120_000 });
});
