// The Wan panel in the built app: both models offered with their download sizes and this GPU's
// verdict (headless Chromium's SwiftShader has no shader-f16, so neither can run here: the panel
// must say so and why); the download's size is shown for confirmation from the hub's listing before
// any file is fetched, and Cancel fetches nothing. The download and the clips themselves are
// tested on the engine in tests/gpu/wan_pipeline.spec.ts (minutes on a software GPU).
import { expect, test } from '@playwright/test';
import { twinHub, type HubServer } from '../support/hub_server.ts';

let hub: HubServer;
test.beforeAll(async () => {
  hub = await twinHub();
});
test.afterAll(async () => hub.stop());

test('offers both Wan models with sizes and the fit verdict, and shows the download before fetching it', async ({ page }) => {
  await page.goto(`/?wan-hub=${encodeURIComponent(hub.url)}`);
  await page.getByTestId('wan-open').click();
  const panel = page.getByRole('dialog', { name: /Wan 2.1/ });
  await expect(panel).toBeVisible();
  const models = panel.getByTestId('wan-model');
  await expect(models).toHaveCount(2);
  await expect(models.nth(0)).toContainText(/Self-Forcing.*download [\d.]+ GB/);
  await expect(models.nth(1)).toContainText(/Wan 2\.1 T2V 1\.3B.*download [\d.]+ GB/);
  await expect(models.nth(0).getByTestId('wan-verdict')).toHaveText('cannot run on this GPU');
  await expect(models.nth(0)).toContainText('shader-f16');

  await panel.getByTestId('wan-load').click();
  const plan = panel.getByTestId('wan-plan');
  await expect(plan).toContainText(/Downloads [\d.]+ MB: TAEHV decoder \(taew2\.1\) [\d.]+ MB, Self-Forcing DiT \(DMD\) [\d.]+ MB, Wan2\.1 text encoder \(umT5-XXL\) [\d.]+ MB\./);
  await plan.getByRole('button', { name: 'Cancel' }).click();
  await expect(plan).toBeHidden();
  expect(hub.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
  expect(hub.requests.filter((r) => r.path.startsWith('/api/models/')).length).toBe(3);
});
