// The prompt screen of the built app: its parts are there, the GPU status is reported, and
// Generate gives a clear answer instead of failing silently.
import { expect, test } from '@playwright/test';

test('the prompt screen shows the prompt, settings, Generate, the preview and the GPU status', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('Zoetrope');
  await expect(page.getByTestId('prompt')).toBeVisible();
  await expect(page.getByTestId('settings')).toContainText('Duration');
  await expect(page.getByTestId('settings')).toContainText('Aspect ratio');
  await expect(page.getByTestId('preview')).toBeVisible();
  // Headless Chromium's only adapter is SwiftShader: reported, flagged as software, and explained.
  const badge = page.getByTestId('gpu-badge');
  await expect(badge).toHaveAttribute('data-tone', 'warn');
  await expect(badge).toContainText('swiftshader');
  await expect(badge).toContainText('(software)');
  await expect(badge).toContainText('f32 only');
  await expect(page.getByTestId('gpu-advice')).toContainText('software GPU');
});

test('Generate with an empty prompt asks for one; Ctrl+Enter generates too', async ({ page }) => {
  await page.goto('/');
  const generate = page.getByTestId('generate');
  await expect(generate).toBeEnabled();
  await generate.click();
  await expect(page.getByTestId('message')).toHaveText('Type a prompt describing the clip first.');

  await page.getByTestId('prompt').fill('a red ball bounces');
  await page.getByTestId('prompt').press('Control+Enter');
  await expect(page.getByTestId('message')).toContainText('No model is loaded yet');
});

test('the web app manifest and its icons are served', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await request.get(href!)).json();
  expect(manifest).toMatchObject({ short_name: 'Zoetrope', display: 'standalone', start_url: './' });
  for (const icon of manifest.icons as { src: string; type: string }[]) {
    const response = await request.get(new URL(icon.src, new URL(href!, page.url())).href);
    expect(response.status(), icon.src).toBe(200);
    expect(response.headers()['content-type']).toContain(icon.type);
  }
});
