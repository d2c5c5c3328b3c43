// Screenshots of the app's main states, written to tests/e2e/screenshots/ on every run (README
// shows one): the model downloading on first use, the empty screen, a clip forming in the preview,
// the result, the history, and a phone-width screen. Each must stay small (< 200 KB).
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from './create_helpers.ts';

const DIR = join(import.meta.dirname, 'screenshots');
const MAX_BYTES = 200 * 1024;

// The service worker would answer the model's requests itself, out of the test's reach: the
// download has to pass through page routing to be held mid-way for the picture.
test.use({ serviceWorkers: 'block', viewport: { width: 1100, height: 860 }, colorScheme: 'dark' });

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(DIR, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  expect(statSync(path).size, `${name}.png`).toBeLessThan(MAX_BYTES);
}

test('screenshots of the main states: downloading, empty, generating, result, history, mobile', async ({ page }) => {
  mkdirSync(DIR, { recursive: true });

  // First use: hold the largest model file until the download bar has been pictured.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/models/tiny-test/dit.safetensors', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  await expect(page.getByTestId('model-progress-text')).toContainText('dit.safetensors'); // the held file: the bar waits on it
  await expect(page.getByTestId('model-status')).toContainText('Downloading the model (1.8 MB) — only this once');
  await shoot(page, 'downloading');
  release();

  await openApp(page);
  await shoot(page, 'empty');

  // A clip forming: 2 s is 16 frames, so there is time to catch the preview part-way.
  await page.getByTestId('example').filter({ hasText: 'on the grass, a yellow star spins slowly' }).click();
  await page.getByTestId('duration').fill('2');
  await page.getByTestId('steps').fill('2');
  await page.getByTestId('generate').click();
  await expect.poll(() => page.locator('canvas[data-frames-shown]').getAttribute('data-frames-shown').then(Number), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await page.getByTestId('preview').scrollIntoViewIfNeeded();
  await shoot(page, 'generating');

  await expect(page.getByTestId('player')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('player').evaluate((video: HTMLVideoElement) => video.pause());
  await page.getByTestId('result').scrollIntoViewIfNeeded();
  await shoot(page, 'result');

  await page.getByTestId('history').scrollIntoViewIfNeeded();
  await shoot(page, 'history');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => scrollTo(0, 0));
  await shoot(page, 'mobile');
});
