// Accessibility: axe-core finds no violations in the main states, in both themes and at phone
// width; nothing scrolls sideways at 390 px; the keyboard reaches Generate and the device panel.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

async function expectNoViolations(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(found, `${state}: axe violations`).toEqual([]);
}

async function ready(page: Page) {
  await page.goto('/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
}

for (const colorScheme of ['dark', 'light'] as const) {
  for (const [width, height] of [[1280, 900], [390, 844]] as const) {
    test(`no axe violations: empty, settings open, device panel open (${colorScheme}, ${width} px)`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      await ready(page);
      await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme-shown', colorScheme);
      await expectNoViolations(page, 'empty');

      // The advanced settings, where the form has them folded away.
      const advanced = page.getByTestId('settings').locator('details');
      if ((await advanced.count()) > 0) await advanced.first().locator('summary').click();
      await expectNoViolations(page, 'settings open');

      await page.getByTestId('device-open').click();
      await expect(page.getByTestId('device-models')).toBeVisible();
      await expectNoViolations(page, 'device panel open');
    });
  }
}

test('no axe violations with a result on screen (light theme, phone width)', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'light' });
  await ready(page);
  await page.getByTestId('settings').locator('input[type=range]').fill('1');
  await page.getByTestId('prompt').fill('a red ball bounces');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 120_000 });
  await expectNoViolations(page, 'result');
});

test('at 390 px nothing scrolls sideways, in any state checked', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await ready(page);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await overflow()).toBe(0);
  await page.getByTestId('device-open').click();
  await expect(page.getByTestId('device-models')).toBeVisible();
  expect(await overflow()).toBe(0);
  const panel = await page.getByTestId('device-panel').boundingBox();
  expect(panel!.x).toBeGreaterThanOrEqual(0);
  expect(panel!.x + panel!.width).toBeLessThanOrEqual(390);
});

test('Tab reaches Generate through labelled controls with a visible focus ring; the panel opens and closes by keyboard', async ({ page }) => {
  await ready(page); // nothing focused yet: Tab starts at the top of the page
  const visited: string[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    if ((await focused.count()) === 0) continue;
    const { testid, tag, ring } = await focused.evaluate((el) => {
      const style = getComputedStyle(el);
      return {
        testid: (el as HTMLElement).dataset['testid'] ?? '',
        tag: el.tagName,
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      };
    });
    // Every control has a name a screen reader reads out, and a ring the eye can follow.
    await expect(focused, `${tag} ${testid} has a name`).toHaveAccessibleName(/\S/);
    expect(ring, `${tag} ${testid} shows a focus ring`).toBe(true);
    visited.push(testid || tag);
    if (testid === 'generate') break;
  }
  expect(visited).toContain('device-open');
  expect(visited).toContain('prompt');
  expect(visited.at(-1)).toBe('generate');
  // Header tools come before the form: a logical order.
  expect(visited.indexOf('device-open')).toBeLessThan(visited.indexOf('prompt'));

  await page.getByTestId('device-open').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('device-panel')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('device-panel')).toBeHidden();
});
