// Dark and light: the system's preference by default, a toggle that is remembered.
import { expect, test, type Page } from '@playwright/test';

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

test('the page follows the system theme until the toggle is used, then remembers the choice', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('data-theme-shown', 'light');
  expect(await background(page)).toBe('rgb(247, 245, 251)');
  // The system switching to dark is followed live while nothing was chosen.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(toggle).toHaveAttribute('data-theme-shown', 'dark');
  expect(await background(page)).toBe('rgb(22, 19, 31)');

  await toggle.click();
  await expect(toggle).toHaveAttribute('data-theme-shown', 'light');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect(await background(page)).toBe('rgb(247, 245, 251)');
  // Remembered over the system's preference, across a reload.
  await page.reload();
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme-shown', 'light');
  expect(await background(page)).toBe('rgb(247, 245, 251)');
});
