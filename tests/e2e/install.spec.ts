// The Install button appears only when the browser offers installation (Chromium's
// beforeinstallprompt) and goes once the app is installed. Headless Chromium never offers it on its
// own (it needs user engagement), so the test sends the event the way the browser would, with the
// browser's prompt() recorded; what is tested is the page's handling of it.
import { expect, test } from '@playwright/test';

test('Install shows the browser prompt when offered, and is hidden otherwise and once installed', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('prompt')).toBeVisible();
  const install = page.getByTestId('install');
  await expect(install).toHaveCount(0);

  const prevented = await page.evaluate(() => {
    const event = new Event('beforeinstallprompt', { cancelable: true });
    Object.assign(event, {
      prompt: async () => void ((window as unknown as { prompted: number }).prompted = 1),
      userChoice: Promise.resolve({ outcome: 'dismissed' }),
    });
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });
  expect(prevented).toBe(true); // the page shows its own button instead of the browser's bar
  await expect(install).toBeVisible();
  await expect(install).toHaveAccessibleName(/Install app/);
  await install.click();
  expect(await page.evaluate(() => (window as unknown as { prompted?: number }).prompted)).toBe(1);
  await expect(install).toHaveCount(0); // an offer is good for one prompt

  await page.evaluate(() => {
    const event = new Event('beforeinstallprompt', { cancelable: true });
    Object.assign(event, { prompt: async () => {}, userChoice: Promise.resolve({ outcome: 'accepted' }) });
    window.dispatchEvent(event);
  });
  await expect(install).toBeVisible();
  await page.evaluate(() => window.dispatchEvent(new Event('appinstalled')));
  await expect(install).toHaveCount(0);
});
