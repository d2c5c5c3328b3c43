// The editor on a clip made in the built app (tiny-test, 1 s, 8 frames): keyboard only, it adds
// a title, changes it, undoes and redoes; the playhead scrubs the frames; a title with markup is
// refused with its reason; the edited clip is a new version whose MP4 has the trimmed frames
// and whose provenance lists the title and the edits; opening the editor on it again starts from
// its edit (kept in the history entry). Axe finds nothing wrong in the editor.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { readProvenance } from '../../src/video/provenance.ts';
import { probe } from '../support/media.ts';
import { downloadFrom, makeClip, openApp, watchForTrouble } from './create_helpers.ts';

test('the editor: title, undo/redo by keyboard, scrubbing, trim, a new version with its edit kept, its share link', async ({ page, browser, baseURL }) => {
  test.setTimeout(360_000);
  const trouble = watchForTrouble(page);
  await openApp(page);
  await makeClip(page, { prompt: 'a red ball bounces', seconds: 1, steps: 1 });
  await page.getByTestId('edit').click();
  const editor = page.getByTestId('editor');
  await expect(editor).toBeVisible();
  const axe = await new AxeBuilder({ page }).include('[data-testid="editor"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);

  // Scrubbing: the playhead moves by the arrow keys, one frame a press, and the view follows.
  const playhead = page.getByTestId('playhead');
  await playhead.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(playhead).toHaveValue('2');
  await expect.poll(() => page.getByTestId('editor-video').evaluate((v: HTMLVideoElement) => v.currentTime)).toBeCloseTo(2.5 / 8, 3);

  // A title from the keyboard: Tab to the button, Enter; its text typed; undo and redo.
  await page.getByTestId('title-add').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('title-row')).toHaveCount(1);
  await expect(page.getByTestId('title-from')).toHaveValue('0.25');
  await page.getByTestId('title-text').fill('THE END');
  await page.getByTestId('title-text').press('Tab');
  await page.getByTestId('title-add').focus();
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('title-text')).toHaveValue('Title');
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('title-text')).toHaveValue('THE END');
  await expect(page.getByTestId('timeline')).toContainText('THE END');

  // Markup is refused with its reason (and never rendered as markup).
  await page.getByTestId('title-text').fill('<b>bold</b>');
  await page.getByTestId('title-text').press('Tab');
  await expect(page.getByTestId('editor-problems')).toContainText('contains markup or control characters');
  await expect(page.getByTestId('editor-apply')).toBeDisabled();
  await expect(editor.locator('b')).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('title-text')).toHaveValue('THE END');

  // Trim to 0.25–0.75 s (frames 2‥5), then make the edited clip.
  await page.getByTestId('trim-start').fill('0.25');
  await page.getByTestId('trim-start').press('Tab');
  await page.getByTestId('trim-end').fill('0.75');
  await page.getByTestId('trim-end').press('Tab');
  await page.getByTestId('title-from').fill('0');
  await page.getByTestId('title-from').press('Tab');
  await page.getByTestId('editor-apply').click();
  await expect(page.getByTestId('history-item')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.getByTestId('result-origin')).toHaveText('edited, 1 title');
  const edited = await downloadFrom(page, () => page.getByTestId('download').click());
  expect(probe(edited.path).frames).toBe(4);
  const record = readProvenance(new Uint8Array(readFileSync(edited.path)))!;
  expect(record.prompt).toBe('a red ball bounces');
  expect(record.titles).toEqual([{ text: 'THE END', from: 0, to: 1 }]);
  expect(record.edits).toEqual(['clip 1 trimmed to 0.25 s–0.75 s', '1 title drawn into the frames']);

  // Editing the edited clip again starts from its edit, on its source clip.
  await page.getByTestId('edit').click();
  await expect(page.getByTestId('title-text')).toHaveValue('THE END');
  await expect(page.getByTestId('trim-start')).toHaveValue('0.25');
  await expect(page.getByTestId('playhead')).toHaveAttribute('max', '7');
  await page.getByTestId('editor-close').click();

  // Its share link, opened in a fresh context: Generate makes the clip, then the same edit.
  await page.getByTestId('copy-share-link').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(new URL(link).hash).toContain('&ed=');
  const other = await browser.newContext({ baseURL });
  try {
    const fresh = await other.newPage();
    await openApp(fresh, link);
    await expect(fresh.getByTestId('share-notice')).toContainText('that edit is made after it is generated');
    await fresh.getByTestId('generate').click();
    await expect(fresh.getByTestId('history-item')).toHaveCount(2, { timeout: 180_000 });
    await expect(fresh.getByTestId('result-origin')).toHaveText('edited, 1 title');
    const copy = await downloadFrom(fresh, () => fresh.getByTestId('download').click());
    expect(probe(copy.path).frames).toBe(4);
    expect(readProvenance(new Uint8Array(readFileSync(copy.path)))!.titles).toEqual(record.titles);
  } finally {
    await other.close();
  }
  expect(trouble).toEqual([]);
});
