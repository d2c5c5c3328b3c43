// Storage taken away while the page is open: the site's data cleared through the browser's own
// path (the DevTools protocol's Storage.clearDataForOrigin, what "Clear site data" does), the
// history's database deleted from the page, one clip's video gone from under its entry. Each
// time the page says what was lost, the history no longer lists it, and the next clip is saved
// and listed without a reload.
import { expect, test, type Page } from '@playwright/test';
import { makeClip, openApp, watchForTrouble } from './create_helpers.ts';

test.setTimeout(300_000);

const items = (page: Page) => page.getByTestId('history-item');

test('site data cleared after a clip: the message names the lost clip, the next clip is saved and listed', async ({ page, baseURL }) => {
  const trouble = watchForTrouble(page);
  await openApp(page);
  await makeClip(page, { prompt: 'a red ball bounces' });
  await expect(items(page)).toHaveCount(1);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(baseURL!).origin, storageTypes: 'indexeddb' });

  const message = page.getByTestId('history-message');
  await expect(message).toContainText('This site’s stored data was cleared while Zoetrope was open: 1 clip in the history is gone (“a red ball bounces” v1)');
  await expect(items(page)).toHaveCount(0);
  await expect(page.getByTestId('history-empty')).toBeVisible();

  // The next clip is saved (no "connection is closing") and listed, and is still there after a reload.
  await makeClip(page, { prompt: 'a blue cube slides left' });
  await expect(items(page)).toHaveCount(1);
  await expect(items(page)).toContainText('a blue cube slides left');
  await expect(message).toBeHidden();
  await page.reload();
  await expect(items(page)).toHaveCount(1, { timeout: 60_000 });
  await expect(items(page)).toContainText('a blue cube slides left');
  expect(trouble).toEqual([]);
});

test('a clip whose video is gone, then the history deleted from the page: clear messages, and the page goes on', async ({ page }) => {
  const trouble = watchForTrouble(page);
  await openApp(page);
  await makeClip(page, { prompt: 'a red ball bounces' });
  await makeClip(page, { prompt: 'a green cone spins' });
  await expect(items(page)).toHaveCount(2);

  // The first clip's video removed through a second connection, as a damaged store would lose it.
  const first = items(page).filter({ hasText: 'a red ball bounces' });
  const firstId = (await first.getAttribute('data-id'))!;
  await page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('zoetrope-history');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('videos', 'readwrite');
      tx.objectStore('videos').delete(id);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, firstId);
  await first.getByTestId('history-play').click();
  const message = page.getByTestId('history-message');
  await expect(message).toContainText('“a red ball bounces” v1 is no longer stored in this browser');
  await expect(items(page)).toHaveCount(1);

  // The whole database deleted from the page: the app's open connection gives way (the delete is
  // not blocked), and the page says the remaining clip is gone.
  const outcome = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('zoetrope-history');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve(`error: ${String(request.error)}`);
        setTimeout(() => resolve('still blocked after 10 s'), 10_000);
      }),
  );
  expect(outcome).toBe('deleted');
  await expect(message).toContainText('1 clip in the history is gone (“a green cone spins” v1)');
  await expect(items(page)).toHaveCount(0);

  await makeClip(page, { prompt: 'a yellow star falls' });
  await expect(items(page)).toHaveCount(1);
  await expect(items(page)).toContainText('a yellow star falls');
  await page.reload();
  await expect(items(page)).toHaveCount(1, { timeout: 60_000 });
  expect(trouble).toEqual([]);
});
