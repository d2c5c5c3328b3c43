// The create flow on the built app with the bundled tiny-test model: the form offers the model's
// own choices, unknown words are underlined, Generate shows phases and the frames as they arrive
// without moving the page, and the MP4 downloaded from the player is one ffprobe accepts.
import { expect, test } from '@playwright/test';
import { probe } from '../support/media.ts';
import { downloadFrom, openApp } from './create_helpers.ts';

interface Observed {
  phases: string[];
  /** [frames shown in the preview, whether the player was there yet] at each change. */
  frames: [number, boolean][];
  /** The stage box's place and size on the page ("top,height") at each change. */
  boxes: string[];
}

test('generate from the prompt box: model choices, unknown words, phases, live frames, no layout jumps, an MP4 download', async ({ page }) => {
  await openApp(page);

  // Settings with the model's defaults and one-line explanations.
  const settings = page.getByTestId('settings');
  await expect(page.getByTestId('duration')).toHaveValue('4');
  await expect(page.getByTestId('steps')).toHaveValue('4'); // tiny-test's config.sampler.steps
  await expect(page.getByTestId('aspect')).toHaveValue('16:9');
  await expect(page.getByTestId('resolution')).toHaveValue('64');
  await expect(page.getByTestId('resolution').locator('option:disabled')).toHaveCount(4); // tiers tiny-test lacks
  await expect(page.getByTestId('guidance')).toBeDisabled();
  await expect(settings).toContainText('This model samples without guidance');
  await page.getByTestId('style').selectOption('pixel art');
  await expect(settings).toContainText('“, pixel art” is added to the end of the prompt');
  await page.getByTestId('style').selectOption('none');
  await expect(page.getByTestId('seed')).toBeDisabled(); // random per clip until kept

  // An example prompt; the words tiny-test's vocabulary lacks are underlined, with a hint.
  await page.getByTestId('example').filter({ hasText: 'a red ball bounces on a sunset sky' }).click();
  await expect(page.getByTestId('prompt')).toHaveValue('a red ball bounces on a sunset sky');
  await expect(page.getByTestId('unknown-word')).toHaveText(['sunset', 'sky']);
  await expect(page.getByTestId('unknown-hint')).toContainText('does not know “sunset”, “sky”');
  await expect(page.getByTestId('token-count')).toHaveText('9 of 16 tokens');

  await page.getByTestId('duration').fill('1'); // 8 frames in 7 windows
  await page.getByTestId('steps').fill('2');

  // Watch the page while the clip forms: phase texts, frames in the preview, the stage's height.
  await page.evaluate(() => {
    const seen: Observed = { phases: [], frames: [], boxes: [] };
    (window as unknown as { seen: Observed }).seen = seen;
    const box = document.querySelector('.frame-box')!;
    new MutationObserver(() => {
      const phase = document.querySelector('[data-testid=phase]')?.textContent;
      if (phase && seen.phases.at(-1) !== phase) seen.phases.push(phase);
      const shown = Number(document.querySelector('canvas[data-frames-shown]')?.getAttribute('data-frames-shown') ?? 0);
      const player = document.querySelector('[data-testid=player]') !== null;
      if (seen.frames.at(-1)?.[0] !== shown || seen.frames.at(-1)?.[1] !== player) seen.frames.push([shown, player]);
      const rect = box.getBoundingClientRect();
      seen.boxes.push(`${Math.round(rect.top + scrollY)},${Math.round(rect.height)}`);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const boxBefore = await page.locator('.frame-box').evaluate((e) => {
    const rect = e.getBoundingClientRect();
    return `${Math.round(rect.top + scrollY)},${Math.round(rect.height)}`;
  });

  await page.getByTestId('prompt').press('Control+Enter');
  await expect(page.getByTestId('progress')).toBeVisible();
  await expect(page.getByTestId('player')).toBeVisible({ timeout: 120_000 });
  const seen = await page.evaluate(() => (window as unknown as { seen: Observed }).seen);

  expect(seen.phases).toContain('Denoising: window 1 of 7, step 1 of 2');
  expect(seen.phases).toContain('Denoising: window 7 of 7, step 2 of 2');
  expect(seen.phases.some((p) => p.startsWith('Decoding window'))).toBe(true);
  expect(seen.phases.some((p) => p.startsWith('Encoding the MP4'))).toBe(true);
  // Frames reached the preview one by one before the clip was finished.
  expect(seen.frames.some(([shown, player]) => shown >= 1 && shown < 8 && !player)).toBe(true);
  await expect(page.locator('canvas[data-frames-shown]')).toHaveAttribute('data-frames-shown', '8');
  // Between arrivals the frames so far played on a loop: the clip played as it grew.
  expect(Number(await page.locator('canvas[data-frames-shown]').getAttribute('data-loop-draws'))).toBeGreaterThan(0);
  // Before the first frame, the first window's denoising estimates showed it sharpening (2 steps, WASM).
  await expect(page.locator('canvas[data-frames-shown]')).toHaveAttribute('data-estimates-shown', '2');
  // The stage kept its place and size from before Generate to the player: nothing jumped.
  expect(seen.boxes.length).toBeGreaterThan(10);
  expect(new Set([boxBefore, ...seen.boxes])).toEqual(new Set([boxBefore]));

  // Download MP4: a file ffprobe reads, with tiny-test's 16:9 bucket, 8 frames, 1 s.
  const { path, name } = await downloadFrom(page, () => page.getByTestId('download').click());
  expect(name).toMatch(/^zoetrope-a-red-ball-bounces-on-a-sunset-sky-v1-seed\d+\.mp4$/);
  const video = probe(path);
  expect(video).toMatchObject({ width: 112, height: 64, frames: 8 });
  expect(video.durationSeconds).toBeCloseTo(1, 2);

  // Saved to the history with a thumbnail; Extend is offered.
  const item = page.getByTestId('history-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-version', '1');
  expect(await item.locator('img').evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBe(112);
  await expect(page.getByTestId('extend')).toBeEnabled(); // extend.spec.ts covers what it does
});
