// The create form's one check (settings_check.ts) as a person meets it: Generate and its keyboard
// shortcut (Ctrl/⌘ + Enter in the prompt box) refuse the same out-of-range values with the same
// message, and neither starts anything. The shortcut once skipped the check: steps 0 ended in an
// "unexpected error", steps 51 made a clip whose share link the app then refused.
import { expect, test, type Page } from '@playwright/test';
import { openApp, watchForTrouble } from './create_helpers.ts';

/** Records, from page load on, whether a job ever started (the Generate button says so while one runs). */
async function watchForJobs(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { jobStarted: boolean };
    w.jobStarted = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid=cancel], [data-testid=phase]')) w.jobStarted = true;
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

/** Fills the form with a good prompt and `steps`, submits it one way, and returns the message shown. */
async function submitWith(page: Page, steps: string, how: 'button' | 'shortcut'): Promise<string> {
  await openApp(page);
  await page.getByTestId('prompt').fill('a red ball bounces');
  await page.getByTestId('steps').fill(steps);
  if (how === 'button') await page.getByTestId('generate').click();
  else await page.getByTestId('prompt').press('Control+Enter');
  const message = page.getByTestId('message');
  await expect(message).toBeVisible();
  await expect(message).toHaveAttribute('role', 'alert');
  await page.waitForTimeout(1000); // a job the check let through would have shown by now
  expect(await page.evaluate(() => (window as unknown as { jobStarted: boolean }).jobStarted), how).toBe(false);
  await expect(page.getByTestId('generate')).toHaveText('Generate');
  await expect(page.getByTestId('result')).toHaveCount(0);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  return (await message.textContent()) ?? '';
}

for (const steps of ['0', '51']) {
  test(`steps ${steps}: Generate and Ctrl+Enter give the same clear message and start nothing`, async ({ page }) => {
    const trouble = watchForTrouble(page);
    await watchForJobs(page);
    const expected = `The number of steps must be a whole number from 1 to 50 (got ${steps}).`;
    expect(await submitWith(page, steps, 'button')).toBe(expected);
    expect(await submitWith(page, steps, 'shortcut')).toBe(expected);
    expect(trouble).toEqual([]);
    if (steps !== '0') return;

    // Put right, the shortcut makes the clip.
    await page.getByTestId('steps').fill('1');
    await page.getByTestId('duration').fill('1');
    await page.getByTestId('prompt').press('Control+Enter');
    await expect(page.getByTestId('player')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('message')).toHaveCount(0);
  });
}
