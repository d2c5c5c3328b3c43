// The history in the built app, in the browser's real IndexedDB: every clip is kept; Remix
// records the next clip as v2 of the first, linked to it; renames, notes and deletions survive a
// reload; Clear history empties it for good.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { probe } from '../support/media.ts';
import { downloadFrom, makeClip, openApp } from './create_helpers.ts';

const items = (page: Page) => page.getByTestId('history-item');
const itemOf = (page: Page, version: number): Locator => page.locator(`[data-testid=history-item][data-version="${version}"]`);

test('remix makes v2 linked to v1; rename, note and delete persist across reloads; clear empties it', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('history-empty')).toBeVisible();

  // v1 from the prompt box.
  await makeClip(page, { prompt: 'a red ball bounces', steps: 1 });
  await expect(items(page)).toHaveCount(1);
  const v1 = itemOf(page, 1);
  const v1Id = (await v1.getAttribute('data-id'))!;
  const v1Seed = await page.getByTestId('seed').inputValue();

  // Remix: the same settings come back to edit, the seed kept; the next clip is v2 of v1.
  await page.getByTestId('remix').click();
  await expect(page.getByTestId('remix-notice')).toContainText('Remixing “a red ball bounces” v1');
  await expect(page.getByTestId('prompt')).toHaveValue('a red ball bounces');
  await expect(page.getByTestId('seed-lock')).toBeChecked();
  await expect(page.getByTestId('seed')).toHaveValue(v1Seed);
  await makeClip(page, { prompt: 'a blue ball bounces', steps: 1 });
  await expect(items(page)).toHaveCount(2);
  const v2 = itemOf(page, 2);
  await expect(v2).toHaveAttribute('data-parent', v1Id);
  await expect(v2.getByTestId('history-lineage')).toContainText('v1 → v2');
  await expect(page.getByTestId('result-title')).toHaveText('a red ball bounces');
  await expect(items(page).first()).toHaveAttribute('data-version', '2'); // newest first
  // The way back to the parent.
  await v2.getByTestId('history-parent').click();
  await expect(v1).toHaveClass(/highlighted/);

  // Rename v1, note v2; both survive a reload, lineage too.
  await v1.getByTestId('history-title').fill('First try');
  await v1.getByTestId('history-title').press('Enter');
  await v2.getByTestId('history-note').fill('bluer, same seed');
  await v2.getByTestId('history-note').blur();
  await expect(v2.getByTestId('history-note')).toHaveValue('bluer, same seed');
  await page.waitForTimeout(200); // the writes are IndexedDB transactions; let them commit
  await page.reload();
  await expect(items(page)).toHaveCount(2);
  await expect(itemOf(page, 1).getByTestId('history-title')).toHaveValue('First try');
  await expect(itemOf(page, 2).getByTestId('history-note')).toHaveValue('bluer, same seed');
  await expect(itemOf(page, 2).getByTestId('history-lineage')).toContainText('v1 → v2');

  // Play from the history, then delete v2: gone after a reload too, and v1 keeps its name.
  await itemOf(page, 1).getByTestId('history-play').click();
  await expect(page.getByTestId('result-title')).toHaveText('First try');
  await itemOf(page, 2).getByTestId('history-delete').click();
  await itemOf(page, 2).getByTestId('history-delete-confirm').click();
  await expect(items(page)).toHaveCount(1);
  await page.reload();
  await expect(items(page)).toHaveCount(1);
  await expect(itemOf(page, 1).getByTestId('history-title')).toHaveValue('First try');
  await expect(page.getByTestId('history-storage')).toContainText(/^1 clip, \d+(\.\d)? kB · this site uses/);

  // Download straight from the history.
  const fromHistory = await downloadFrom(page, () => itemOf(page, 1).getByTestId('history-download').click());
  expect(fromHistory.name).toMatch(/^zoetrope-first-try-v1-seed\d+\.mp4$/);
  expect(probe(fromHistory.path)).toMatchObject({ width: 112, height: 64, frames: 8 });

  // Clear history: asks once more, then empties it for good.
  await page.getByTestId('history-clear').click();
  await page.getByTestId('history-clear-confirm').click();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await expect(page.getByTestId('history-storage')).toContainText(/^0 clips, 0 bytes/);
});
