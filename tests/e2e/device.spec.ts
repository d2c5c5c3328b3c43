// "This device": the GPU as the browser reports it, the backend and its remembered switch, a real
// speed measurement, the models kept here (with Delete), and Esc to close.
import { expect, test } from '@playwright/test';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
});

test('the panel shows the adapter, f16, limits, backend, models and storage; Esc closes it', async ({ page }) => {
  const opener = page.getByTestId('device-open');
  await opener.click();
  const panel = page.getByRole('dialog', { name: 'This device' });
  await expect(panel).toBeVisible();
  // Headless Chromium's only adapter is SwiftShader: a software adapter without shader-f16.
  const adapter = page.getByTestId('device-adapter');
  await expect(adapter).toContainText('swiftshader');
  await expect(adapter).toContainText('software (fallback adapter');
  await expect(adapter).toContainText(/Half precision \(f16\)\s*no/);
  await expect(page.getByTestId('device-limits')).toContainText(/Largest buffer\s*\d/);
  await expect(page.getByTestId('device-limits')).toContainText(/Workgroup memory\s*\d/);
  // On a software adapter 'auto' runs the CPU backend, threaded since the preview server isolates the page.
  await expect(page.getByTestId('device-backend-in-use')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('device-backend-in-use')).toContainText(/WASM threads: [1-9]/);
  await expect(page.getByTestId('device-models').locator('[data-model="tiny-test"]')).toContainText(/1\.\d MB · bundled with the app/);
  await expect(page.getByTestId('device-storage')).toContainText(/Storage used: [\d.]+ [kMG]?B of [\d.]+ [kMGT]?B/);

  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(opener).toBeFocused(); // focus goes back where it was
  await expect(opener).toHaveAttribute('aria-expanded', 'false');
});

test('the backend switch is remembered and sent with the next clip', async ({ page }) => {
  await page.getByTestId('device-open').click();
  await page.getByTestId('backend-webgpu').check();
  // Forcing WebGPU on a software adapter: the one banner says so rather than claiming the CPU runs it.
  await expect(page.getByTestId('gpu-advice')).toContainText('You chose WebGPU');
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByTestId('device-open').click();
  await expect(page.getByTestId('backend-webgpu')).toBeChecked();
  await expect(page.getByTestId('device-backend-in-use')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByTestId('backend-wasm').check();
  await page.getByTestId('device-close').click();

  await page.getByTestId('settings').locator('input[type=range]').fill('1');
  await page.getByTestId('prompt').fill('a red ball');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('device-open').click();
  await expect(page.getByRole('dialog')).toContainText('The last clip was made on WASM.');
});

test('a one-second calibration gives an estimate per second of video and for the settings chosen', async ({ page }) => {
  await page.getByTestId('settings').locator('input[type=range]').fill('10');
  await page.getByTestId('device-open').click();
  await page.getByTestId('measure-speed').click();
  const speed = page.getByTestId('device-speed');
  await expect(speed).toBeVisible({ timeout: 120_000 });
  // tiny-test's smallest bucket is 1:1 at 64×64; auto runs WASM on SwiftShader.
  await expect(speed).toContainText(/≈ [\d.]+ (s|min)( \d+ s)? of compute per second of video at\s+64×64, on WASM/);
  const perSecond = Number(await speed.getAttribute('data-seconds-per-second'));
  expect(perSecond).toBeGreaterThan(0);
  expect(perSecond).toBeLessThan(120); // a 1 s clip of tiny-test, not minutes per second
  // The create screen's 10 s at 16:9 (64×112): 10 × 112/64 × the calibration.
  const estimate = Number(await page.getByTestId('device-estimate').getAttribute('data-seconds'));
  expect(estimate).toBeCloseTo(perSecond * 10 * (112 / 64), 6);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('speed-hint')).toContainText(/Estimated ≈ .* on\s+WASM \(from a speed test; an estimate\)/);
  console.log(`calibration: ${perSecond.toFixed(2)} s of compute per second of video (tiny-test, 64×64, WASM)`);
});

test('deleting the bundled model frees it and says it is fetched again from this site', async ({ page }) => {
  await page.getByTestId('device-open').click();
  await page.getByRole('button', { name: 'Delete tiny-test' }).click();
  await expect(page.getByTestId('device-models-message')).toContainText('fetched again from this site');
  await expect(page.getByTestId('device-no-models')).toBeVisible();
  await page.keyboard.press('Escape');
  // The create screen no longer offers a deleted model; one click loads it again, from the network.
  const status = page.getByTestId('model-status');
  await expect(status).toHaveAttribute('data-state', 'failed');
  await expect(status).toContainText('deleted from this browser');
  await status.getByRole('button').click();
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByTestId('device-open').click();
  await expect(page.getByTestId('device-models').locator('[data-model="tiny-test"]')).toBeVisible();
});
