// A full disk while saving to the history: a clear message, the clip still playable and
// downloadable, and nothing saved before lost. The quota is the browser's own, lowered through the
// DevTools protocol (Storage.overrideQuotaForOrigin), so IndexedDB itself refuses the write.
// Chromium takes that override only for the default profile's storage (not the incognito-like
// contexts Playwright opens by default) and only before the origin's storage is first opened in
// the browser session: hence a persistent profile, used by two sessions one after the other.
import { chromium, expect, test, type BrowserContext } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_ARGS, findChromium, WEBGPU_ARG } from '../support/chromium.mjs';
import { probe } from '../support/media.ts';
import { downloadFrom, makeClip, openApp } from './create_helpers.ts';

test('a full quota: the message says so, the clip stays downloadable, earlier clips are kept', async ({ baseURL }) => {
  const profile = mkdtempSync(join(tmpdir(), 'zoetrope-profile-'));
  const session = (): Promise<BrowserContext> =>
    chromium.launchPersistentContext(profile, { executablePath: findChromium(), args: [...BASE_ARGS, WEBGPU_ARG], baseURL, acceptDownloads: true });
  try {
    // First session: one clip saved, with the browser's own quota.
    let context = await session();
    let page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    await makeClip(page, { prompt: 'a red ball bounces', steps: 1 });
    await expect(page.getByTestId('history-item')).toHaveCount(1);
    await context.close();

    // Second session: the quota set below what the site already uses, before the page opens.
    context = await session();
    page = context.pages()[0] ?? (await context.newPage());
    const origin = new URL(baseURL!).origin;
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1024 });
    await openApp(page); // the model is read from IndexedDB: reading needs no quota
    await expect(page.getByTestId('history-item')).toHaveCount(1);
    await makeClip(page, { prompt: 'a blue cube slides left', steps: 1 });
    const message = page.getByTestId('history-message');
    await expect(message).toContainText('Not saved to the history: the browser\'s storage is full');
    await expect(message).toContainText('Everything saved before is kept. Download this clip to keep it');
    await expect(page.getByTestId('history-item')).toHaveCount(1);
    const { path } = await downloadFrom(page, () => page.getByTestId('download').click());
    expect(probe(path)).toMatchObject({ width: 112, height: 64, frames: 8 });

    // The earlier clip is whole: still listed after a reload, and its video plays from the store.
    await page.reload();
    await expect(page.getByTestId('history-item')).toHaveCount(1);
    await page.getByTestId('history-play').click();
    await expect(page.getByTestId('result-title')).toHaveText('a red ball bounces');
    await expect.poll(() => page.getByTestId('player').evaluate((video: HTMLVideoElement) => video.readyState)).toBeGreaterThanOrEqual(2);
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
