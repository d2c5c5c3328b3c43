// Extending a crafted MP4: a history clip whose stored video was replaced by one whose sample table
// claims a billion 4 GiB frames (the case that once made the worker allocate gigabytes and end in
// an unexpected error). Extend must answer with a clear message, and the page must go on working.
import { expect, test } from '@playwright/test';
import { makeClip, openApp, watchForTrouble } from './create_helpers.ts';

test.setTimeout(240_000);

test('extending a clip whose MP4 claims absurd sample sizes: a clear message, and the next clip is made as usual', async ({ page }) => {
  const trouble = watchForTrouble(page);
  await openApp(page);
  await makeClip(page, { prompt: 'a red ball bounces' });
  const v1 = page.locator('[data-testid=history-item][data-version="1"]');
  const id = (await v1.getAttribute('data-id'))!;

  // The stored MP4 rewritten in place through a second connection: stsz's uniform sample size
  // 0xffffffff and its sample count 2^30.
  const rewritten = await page.evaluate(async (entryId) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('zoetrope-history');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const stored = (await request(db.transaction('videos').objectStore('videos').get(entryId))) as { mp4: Blob };
    const bytes = new Uint8Array(await stored.mp4.arrayBuffer());
    const at = bytes.findIndex((_, i) => bytes[i] === 0x73 && bytes[i + 1] === 0x74 && bytes[i + 2] === 0x73 && bytes[i + 3] === 0x7a); // 'stsz'
    const view = new DataView(bytes.buffer);
    view.setUint32(at + 8, 0xffffffff); // after the type and version/flags: the uniform sample size
    view.setUint32(at + 12, 0x40000000); // the sample count
    const tx = db.transaction('videos', 'readwrite');
    tx.objectStore('videos').put({ mp4: new Blob([bytes], { type: 'video/mp4' }) }, entryId);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
    return at > 0;
  }, id);
  expect(rewritten).toBe(true);

  await v1.getByTestId('history-extend').click();
  await page.getByTestId('extend-seconds').fill('1');
  await page.getByTestId('extend-start').click();
  const message = page.getByTestId('message');
  await expect(message).toContainText('The clip to extend could not be read: the video track claims 1073741824 frames', { timeout: 60_000 });
  await expect(message).toContainText('Pick an MP4 made by Zoetrope.');
  await expect(page.getByTestId('history-item')).toHaveCount(1);

  // The page goes on: the next clip is made and saved as usual.
  await makeClip(page, { prompt: 'a blue cube slides left' });
  await expect(page.getByTestId('history-item')).toHaveCount(2);
  await expect(message).toBeHidden();
  expect(trouble).toEqual([]);
});
