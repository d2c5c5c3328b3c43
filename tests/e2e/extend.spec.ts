// Extending a clip in the built app: Extend on a history clip asks by how many seconds, uses
// the clip's prompt, settings and seed, and saves the longer clip as its next version.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { probe } from '../support/media.ts';
import { downloadFrom, makeClip, openApp } from './create_helpers.ts';

test('extend a history clip by 1 s: old frames + new frames, saved as v2 of it, marked extended', async ({ page }) => {
  await openApp(page);
  await makeClip(page, { prompt: 'a red ball bounces', seconds: 1, steps: 1 });
  const v1 = page.locator('[data-testid=history-item][data-version="1"]');
  const v1Id = (await v1.getAttribute('data-id'))!;
  const v1Seed = await page.getByTestId('seed').inputValue();

  // Watch the phase texts while it works.
  await page.evaluate(() => {
    const phases: string[] = [];
    (window as unknown as { phases: string[] }).phases = phases;
    new MutationObserver(() => {
      const phase = document.querySelector('[data-testid=phase]')?.textContent;
      if (phase && phases.at(-1) !== phase) phases.push(phase);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  await v1.getByTestId('history-extend').click();
  const dialog = page.getByTestId('extend-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Extend “a red ball bounces” v1');
  await expect(page.getByTestId('extend-seconds')).toHaveValue('4');
  await expect(page.getByTestId('extend-seed')).toHaveValue(v1Seed);
  await expectNoAxeViolations(page, 'extend dialog');
  await page.getByTestId('extend-seconds').fill('0');
  await page.getByTestId('extend-start').click();
  await expect(page.getByTestId('extend-problem')).toHaveText("The seconds to add must be a number of seconds from 1/8 (one frame at tiny-test's 8 fps) to 60 (got 0).");
  await page.getByTestId('extend-seconds').fill('1');
  await page.getByTestId('extend-start').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('history-item')).toHaveCount(2, { timeout: 120_000 });

  const phases = await page.evaluate(() => (window as unknown as { phases: string[] }).phases);
  expect(phases.some((p) => p.startsWith('Reading the earlier clip'))).toBe(true);
  // 8 new frames, given the earlier clip's last frame as context: 8 windows of 2 frames, not 15.
  expect(phases).toContain('Denoising: window 8 of 8, step 1 of 1');

  const v2 = page.locator('[data-testid=history-item][data-version="2"]');
  await expect(v2).toHaveAttribute('data-parent', v1Id);
  await expect(v2.getByTestId('history-lineage')).toContainText('v1 → v2');
  await expect(v2.getByTestId('history-parent')).toContainText('extension of v1');
  await expect(v2.getByTestId('history-origin')).toHaveText('extended +1 s');
  await expect(page.getByTestId('result-title')).toHaveText('a red ball bounces');
  await expect(page.getByTestId('copy-share-link')).toBeDisabled();

  const { path } = await downloadFrom(page, () => page.getByTestId('download').click());
  expect(probe(path)).toMatchObject({ width: 112, height: 64, frames: 16 });
  await expect(page.getByTestId('extend')).toBeEnabled(); // the result can be extended again
});

async function expectNoAxeViolations(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`), `${state}: axe violations`).toEqual([]);
}
