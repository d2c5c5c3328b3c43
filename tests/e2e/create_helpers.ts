// Shared steps of the create-screen tests: open the app with its model, make a short clip from
// the prompt box, save the downloaded MP4, and hash its decoded frames with ffmpeg.
import { expect, type Download, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function openApp(page: Page, url = '/'): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
}

export interface ClipOptions {
  prompt?: string;
  seconds?: number;
  /** Fewer steps than the model's 4 keep the tests quick; the frames are noise either way. */
  steps?: number;
  style?: string;
}

/** Sets the form, clicks Generate and waits for the player. */
export async function makeClip(page: Page, options: ClipOptions = {}): Promise<void> {
  if (options.prompt !== undefined) await page.getByTestId('prompt').fill(options.prompt);
  await page.getByTestId('duration').fill(String(options.seconds ?? 1));
  await page.getByTestId('steps').fill(String(options.steps ?? 1));
  if (options.style) await page.getByTestId('style').selectOption(options.style);
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('player')).toBeVisible({ timeout: 120_000 });
}

/** Clicks a download control and returns where Playwright saved the file. */
export async function downloadFrom(page: Page, click: () => Promise<void>): Promise<{ path: string; name: string }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void];
  const path = join(mkdtempSync(join(tmpdir(), 'zoetrope-e2e-')), download.suggestedFilename());
  await download.saveAs(path);
  return { path, name: download.suggestedFilename() };
}

/** SHA-256 of every frame ffmpeg decodes from `file`, as packed RGB24. */
export function decodedFramesHash(file: string): string {
  const rgb = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 256 * 1024 * 1024 });
  return createHash('sha256').update(rgb).digest('hex');
}

/** Everything a page does that a hostile input might cause: dialogs, uncaught errors, console errors. */
export function watchForTrouble(page: Page): string[] {
  const trouble: string[] = [];
  page.on('dialog', (dialog) => {
    trouble.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => trouble.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') trouble.push(`console error: ${message.text()}`);
  });
  return trouble;
}
