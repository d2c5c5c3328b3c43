// Cancel from the page: a clip stopped mid-generation leaves nothing behind, and the next
// Generate makes a clip as usual.
import { expect, test } from '@playwright/test';
import { makeClip, openApp } from './create_helpers.ts';

test('Cancel mid-generation stops the job; a new generation then succeeds', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('prompt').fill('a red ball bounces');
  await page.getByTestId('duration').fill('3'); // 24 frames: long enough to stop in the middle
  await page.getByTestId('steps').fill('1');
  await page.getByTestId('generate').click();
  // Stopped once the first frames are out (tiny-test's windows go by fast; their phases flicker).
  await expect(page.getByTestId('phase')).toContainText(/window \d+ of 23|of 24 frames/, { timeout: 60_000 });
  await page.getByTestId('cancel').click();

  await expect(page.getByTestId('message')).toContainText('Cancelled');
  await expect(page.getByTestId('generate')).toBeEnabled();
  await expect(page.getByTestId('player')).toHaveCount(0);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  const shown = Number(await page.getByTestId('preview-canvas').getAttribute('data-frames-shown'));
  expect(shown).toBeLessThan(24);

  await makeClip(page, { seconds: 1, steps: 1 });
  await expect(page.getByTestId('message')).toHaveCount(0);
  await expect(page.getByTestId('history-item')).toHaveCount(1);
});
