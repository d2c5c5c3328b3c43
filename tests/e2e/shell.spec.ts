// The prompt screen of the built app: its parts are there, the GPU status is reported, and
// Generate gives a clear answer instead of failing silently.
import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe } from '../support/media.ts';

test('the prompt screen shows the prompt, settings, Generate, the preview and the GPU status', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('Zoetrope');
  await expect(page.getByTestId('prompt')).toBeVisible();
  await expect(page.getByTestId('settings')).toContainText('Duration');
  await expect(page.getByTestId('settings')).toContainText('Aspect ratio');
  await expect(page.getByTestId('preview')).toBeVisible();
  // Headless Chromium's only adapter is SwiftShader: reported, flagged as software, and explained.
  const badge = page.getByTestId('gpu-badge');
  await expect(badge).toHaveAttribute('data-tone', 'warn');
  await expect(badge).toContainText('swiftshader');
  await expect(badge).toContainText('(software)');
  await expect(badge).toContainText('f32 only');
  await expect(page.getByTestId('gpu-advice')).toContainText('software GPU');
});

test('the bundled model loads; Generate asks for a prompt, then Ctrl+Enter makes an MP4 that plays', async ({ page }) => {
  await page.goto('/');
  const model = page.getByTestId('model-status');
  await expect(model).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(model).toContainText('tiny-test');
  await expect(model).toContainText('random weights'); // honest about what the bundled model makes
  const generate = page.getByTestId('generate');
  await expect(generate).toBeEnabled();
  await generate.click();
  await expect(page.getByTestId('message')).toHaveText('Type a prompt describing the clip first.');

  await page.getByTestId('settings').locator('input[type=range]').fill('1'); // 1 s: 8 frames, 7 windows
  await page.getByTestId('prompt').fill('a red ball bounces');
  await page.getByTestId('prompt').press('Control+Enter');
  const result = page.getByTestId('result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  const url = (await result.getAttribute('data-url'))!;
  const bytes = await page.evaluate(async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())), url);
  const file = join(mkdtempSync(join(tmpdir(), 'zoetrope-')), 'clip.mp4');
  writeFileSync(file, Uint8Array.from(bytes));
  // tiny-test at its 16:9 bucket (64 × 112), 8 fps, window after window.
  const video = probe(file);
  expect(video).toMatchObject({ width: 112, height: 64, frames: 8 });
  expect(video.durationSeconds).toBeCloseTo(1, 2);
  await expect(page.locator('canvas[data-frames-shown]')).toHaveAttribute('data-frames-shown', '8');
});

test('the web app manifest and its icons are served', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await request.get(href!)).json();
  expect(manifest).toMatchObject({ short_name: 'Zoetrope', display: 'standalone', start_url: './' });
  for (const icon of manifest.icons as { src: string; type: string }[]) {
    const response = await request.get(new URL(icon.src, new URL(href!, page.url())).href);
    expect(response.status(), icon.src).toBe(200);
    expect(response.headers()['content-type']).toContain(icon.type);
  }
});
