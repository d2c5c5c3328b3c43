// A storyboard in the built app, on tiny-test: a share link carrying one fills the storyboard box,
// one click makes one MP4 of its three segments (ffprobe, readProvenance), the result's own link
// carries it again, the box is axe-clean, a bad storyboard is refused with its reasons, and
// Extend adds a segment whose clip repeats the earlier frames exactly (same seed).
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { encodeShareLink } from '../../src/app/share_link.ts';
import { readProvenance } from '../../src/video/provenance.ts';
import { decodeAllFramesRgb, probe } from '../support/media.ts';
import { downloadFrom, openApp, watchForTrouble } from './create_helpers.ts';

const SEGMENTS = [
  { at: 0, prompt: 'a red ball rolls right' },
  { at: 0.5, prompt: 'it bounces on a sunset' },
  { at: 1, prompt: 'a blue star joins it' },
];
const TEXT = '0–0.5 s: a red ball rolls right\n0.5–1 s: it bounces on a sunset\n1–1.5 s: a blue star joins it';

/** A share link to the three-segment storyboard on tiny-test, seed 7, one step. */
const storyboardLink = (baseURL: string) =>
  encodeShareLink(`${baseURL}/`, {
    settings: { prompt: SEGMENTS[0]!.prompt, durationSeconds: 1.5, aspect: '16:9', shortSide: 64, style: 'none', seed: 7, steps: 1, guidance: null, storyboard: SEGMENTS },
    model: { name: 'tiny-test', version: '1' },
  });

test('a storyboard from a share link: one MP4 of its segments, its link, its errors, and Extend by a segment', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const trouble = watchForTrouble(page);
  const link = storyboardLink(baseURL!);
  await openApp(page, link);
  await expect(page.getByTestId('share-notice')).toContainText('press Generate');
  await expect(page.getByTestId('storyboard-toggle')).toBeChecked();
  await expect(page.getByTestId('storyboard')).toHaveValue(TEXT);
  await expect(page.getByTestId('storyboard-hint')).toContainText('3 segments');
  const axe = await new AxeBuilder({ page }).include('#create-form').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  await page.getByTestId('generate').click();
  await expect(page.getByTestId('player')).toBeVisible({ timeout: 120_000 });
  const first = await downloadFrom(page, () => page.getByTestId('download').click());
  expect(probe(first.path)).toMatchObject({ width: 112, height: 64, frames: 12 });
  const record = readProvenance(new Uint8Array(readFileSync(first.path)))!;
  expect(record.seed).toBe(7);
  expect(record.segments).toEqual(SEGMENTS.map((s, k) => ({ from: s.at, to: SEGMENTS[k + 1]?.at ?? 1.5, prompt: s.prompt })));
  // The result's own link carries the storyboard again.
  await page.getByTestId('copy-share-link').click();
  expect(new URL(await page.getByTestId('share-link').inputValue()).hash).toBe(new URL(link).hash);

  // A bad storyboard: its reasons under the box as it is typed, and Generate refuses it.
  const box = page.getByTestId('storyboard');
  await box.fill('0–1 s: a red ball\n0.5–2 s: it <b>bounces</b>');
  await expect(page.getByTestId('storyboard-hint')).toContainText('Segments 1 and 2 overlap: segment 1 runs to 1 s but segment 2 starts at 0.5 s.');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('message')).toContainText('The storyboard: Segments 1 and 2 overlap');
  await box.fill('0–1 s: a red ball\n1–2 s: it <b>bounces</b>');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('message')).toContainText('Segment 2 ("it <b>bounces</b>"): The prompt contains markup');
  await expect(page.locator('#create-form b')).toHaveCount(0); // shown as text, never as markup

  // Extend: the box gets a new segment line after the last; the clip made again with the same
  // seed has the first clip's frames, then the new segment's.
  await page.getByTestId('extend').click();
  await expect(box).toHaveValue(`${TEXT}\n1.5–5.5 s: `);
  await expect(box).toBeFocused();
  await box.fill(`${TEXT}\n1.5–2 s: a green square spins`);
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('history-item')).toHaveCount(2, { timeout: 120_000 });
  const extended = await downloadFrom(page, () => page.getByTestId('download').click());
  expect(probe(extended.path).frames).toBe(16);
  const [before, after] = [decodeAllFramesRgb(first.path, 112, 64), decodeAllFramesRgb(extended.path, 112, 64)];
  for (let i = 0; i < 12; i++) expect(after[i]!.equals(before[i]!), `frame ${i}`).toBe(true);
  expect(trouble).toEqual([]);
});

// A storyboard crossfaded in the editor: 1 frame (0.125 s) at each of its two cuts. The edited
// clip is 2 frames shorter, its provenance says so, and its share link carries the crossfade:
// opened afresh, Generate makes the clip and then the same edit.
test('a storyboard crossfaded at its cuts in the editor, and through its share link', async ({ page, browser, baseURL }) => {
  test.setTimeout(300_000);
  const trouble = watchForTrouble(page);
  const link = storyboardLink(baseURL!);
  await openApp(page, link);
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('player')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('edit').click();
  const crossfade = page.getByTestId('crossfade');
  // Longer than a segment (0.5 s): refused in the editor's words.
  await crossfade.fill('0.75');
  await crossfade.press('Tab');
  await expect(page.getByTestId('editor-problems')).toContainText('The crossfade between segments 1 and 2 must last more than 0 s and at most 0.5 s');
  await expect(page.getByTestId('editor-apply')).toBeDisabled();
  await crossfade.fill('0.125');
  await crossfade.press('Tab');
  await expect(page.getByTestId('editor-problems')).toHaveCount(0);
  await page.getByTestId('editor-apply').click();
  await expect(page.getByTestId('result-origin')).toHaveText('edited, crossfaded 0.125 s', { timeout: 60_000 });
  const edited = await downloadFrom(page, () => page.getByTestId('download').click());
  expect(probe(edited.path).frames).toBe(10);
  const record = readProvenance(new Uint8Array(readFileSync(edited.path)))!;
  expect(record.segments!.map((s) => s.prompt)).toEqual(SEGMENTS.map((s) => s.prompt));
  expect(record.edits).toEqual(expect.arrayContaining(['crossfade of 1 frame (0.125 s) between clips 1 and 2', 'crossfade of 1 frame (0.125 s) between clips 2 and 3']));

  await page.getByTestId('copy-share-link').click();
  const editedLink = await page.getByTestId('share-link').inputValue();
  const context = await browser.newContext({ baseURL });
  try {
    const fresh = await context.newPage();
    await openApp(fresh, editedLink);
    await expect(fresh.getByTestId('share-notice')).toContainText('that edit is made after it is generated');
    await fresh.getByTestId('generate').click();
    await expect(fresh.getByTestId('result-origin')).toHaveText('edited, crossfaded 0.125 s', { timeout: 120_000 });
    const again = await downloadFrom(fresh, () => fresh.getByTestId('download').click());
    expect(probe(again.path).frames).toBe(10);
  } finally {
    await context.close();
  }
  expect(trouble).toEqual([]);
});
