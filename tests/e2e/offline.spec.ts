// After one visit the service worker has the app shell, so the page loads with the network off.
import { expect, test } from '@playwright/test';

test('the app loads and works offline after the first visit', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByTestId('prompt')).toBeVisible();
  // The first visit also keeps the bundled model in IndexedDB.
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // Wait until the service worker has installed (precached the shell) and controls this page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('prompt')).toBeVisible();
  await expect(page.getByTestId('gpu-badge')).toHaveAttribute('data-tone', 'warn'); // the worker started too
  // The model comes from IndexedDB: no network needed.
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // A page the shell does not precache really is unreachable: the network is off, not faked.
  const reachable = await page.evaluate(() => fetch('/no-such-file.bin').then(() => true, () => false));
  expect(reachable).toBe(false);

  // Generation works offline: model from IndexedDB, runtime (WASM included) from the shell cache.
  await page.getByTestId('settings').locator('input[type=range]').fill('1');
  await page.getByTestId('prompt').fill('a red ball');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 120_000 });

  // The developer page (same shell, another query) works offline too, encoder included.
  await page.goto('/?dev');
  await page.getByTestId('dev-frames').fill('4');
  await page.getByTestId('dev-run').click();
  await expect(page.getByTestId('dev-result')).toBeVisible();
});
