// Stitching history clips in the built app: pick two, stitch, and the joined MP4 is a new
// history entry with every frame of both, copied without re-encoding.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { probe } from '../support/media.ts';
import { downloadFrom, makeClip, openApp } from './create_helpers.ts';

test('stitch two history clips into one: frames add up, saved with its sources, copied without re-encoding', async ({ page }) => {
  await openApp(page);
  await makeClip(page, { prompt: 'a red ball bounces', seconds: 1, steps: 1 });
  await makeClip(page, { prompt: 'a blue ball bounces', seconds: 1, steps: 1 });
  const items = page.getByTestId('history-item');
  await expect(items).toHaveCount(2);

  // Picked in this order: red first, then blue.
  await items.filter({ hasText: 'a red ball' }).getByTestId('history-select').check();
  await expect(page.getByTestId('stitch')).toBeDisabled();
  await items.filter({ hasText: 'a blue ball' }).getByTestId('history-select').check();
  await expect(page.getByTestId('stitch-bar')).toContainText('“a red ball bounces” v1 → “a blue ball bounces” v1');
  await expectNoAxeViolations(page, 'stitch bar');
  await page.getByTestId('stitch').click();

  await expect(items).toHaveCount(3, { timeout: 60_000 });
  await expect(page.getByTestId('result-title')).toHaveText('Stitched: a red ball bounces + a blue ball bounces');
  await expect(page.getByTestId('stitch-how')).toContainText('without re-encoding');
  await expect(page.getByTestId('stitch-bar')).toHaveCount(0); // the selection is spent
  const stitched = items.first(); // newest first
  await expect(stitched.getByTestId('history-title')).toHaveValue('Stitched: a red ball bounces + a blue ball bounces');
  await expect(stitched.getByTestId('history-origin')).toHaveText('stitched from 2 clips');
  await expect(stitched.getByTestId('history-note')).toHaveValue(/^Stitched from “a red ball bounces” v1 \(8 frames\), then “a blue ball bounces” v1 \(8 frames\)\. Copied/);
  await expect(page.getByTestId('copy-share-link')).toBeDisabled();
  await expect(page.getByTestId('remix')).toBeDisabled();

  const { path } = await downloadFrom(page, () => page.getByTestId('download').click());
  const video = probe(path);
  expect(video).toMatchObject({ width: 112, height: 64, frames: 16 });
  expect(video.durationSeconds).toBeCloseTo(2, 1);
});

async function expectNoAxeViolations(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`), `${state}: axe violations`).toEqual([]);
}
