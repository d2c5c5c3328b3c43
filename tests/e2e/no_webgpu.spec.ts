// Without --enable-unsafe-webgpu, Chromium on Linux offers no WebGPU adapter, as on a browser
// or machine without WebGPU: the page must say so plainly and say what to do.
import { expect, test } from '@playwright/test';
import { BASE_ARGS, findChromium } from '../support/chromium.mjs';

test.use({ launchOptions: { executablePath: findChromium(), args: BASE_ARGS } });

test('without WebGPU the page explains what is missing and which browsers and flags to use', async ({ page }) => {
  await page.goto('/');
  const advice = page.getByTestId('gpu-advice');
  await expect(advice).toBeVisible();
  await expect(advice).toHaveAttribute('role', 'alert');
  await expect(advice).toContainText(/no (GPU adapter|WebGPU)/i);
  await expect(advice).toContainText('--enable-unsafe-webgpu');
  await expect(advice).toContainText('Chrome');
  await expect(page.getByTestId('gpu-badge')).toHaveAttribute('data-tone', 'error');
  await expect(page.getByTestId('generate')).toBeDisabled();
  // The rest of the page still works: the prompt can be typed.
  await page.getByTestId('prompt').fill('still usable');
});

test('when navigator.gpu is missing entirely, the message says the browser lacks WebGPU', async ({ page }) => {
  // Hide the API in the page and its workers before any script runs, as a browser without WebGPU would.
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.route('**/assets/worker-*.js', async (route) => {
    const response = await route.fetch();
    const body = "Object.defineProperty(WorkerNavigator.prototype, 'gpu', { get: () => undefined, configurable: true });\n" + (await response.text());
    await route.fulfill({ response, body });
  });
  await page.goto('/');
  const advice = page.getByTestId('gpu-advice');
  await expect(advice).toContainText('This browser does not expose WebGPU');
  await expect(page.getByTestId('gpu-badge')).toContainText('No WebGPU');
});
