// Denoising previews on the WASM backend: one per step per window at latent resolution, changing
// as the window is denoised. How well the last one predicts the decoded frame's 8×8 block colours
// is printed, not asserted: tiny-test's VAE has random weights and decodes to nearly flat frames
// whatever the latents, so no colour map can beat the frame's mean colour there (measured: about
// the same error); the fitted map itself is checked exactly in tests/unit/sampler/latent_preview.test.ts.
import { expect, test } from '@playwright/test';
import { HARNESS } from '../support/gpu_page.ts';

type ClientModule = typeof import('../../src/worker/client.ts');

test('previews arrive every step at latent resolution and change as the window is denoised', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(HARNESS);
  const result = await page.evaluate(async () => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const engine = createEngineClient();
    try {
      await engine.loadModel('/models/tiny-test/manifest.json');
      const previews: { rgba: number[]; width: number; height: number; window: number; step: number }[] = [];
      const frames: { rgba: Uint8Array; width: number; height: number }[] = [];
      // tiny-test: 0.25 s at 8 fps = 2 frames = one window of 2 latent frames, 4 steps; 64×64 px, 8×8 latents.
      await engine.generate({ prompt: 'a red ball', seed: 4, durationSeconds: 0.25, aspect: '1:1', shortSide: 64, backend: 'wasm' }, {
        onPreview: (p) => void previews.push({ rgba: Array.from(p.rgba), width: p.width, height: p.height, window: p.window, step: p.step }),
        onFrame: async (frame) => {
          const rgba = new Uint8Array(frame.displayWidth * frame.displayHeight * 4);
          await frame.copyTo(rgba, { rect: { x: 0, y: 0, width: frame.displayWidth, height: frame.displayHeight }, format: 'RGBA' });
          frames.push({ rgba, width: frame.displayWidth, height: frame.displayHeight });
          frame.close();
        },
      });
      // The preview shows the window's last latent frame = video frame 1. Compare per 8×8 block.
      const last = previews[previews.length - 1]!;
      const frame = frames[1]!;
      let previewError = 0;
      let meanError = 0;
      const blocks: number[][] = [];
      for (let by = 0; by < last.height; by++) {
        for (let bx = 0; bx < last.width; bx++) {
          const sum = [0, 0, 0];
          for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) for (let c = 0; c < 3; c++) sum[c]! += frame.rgba[((by * 8 + y) * frame.width + bx * 8 + x) * 4 + c]!;
          blocks.push(sum.map((s) => s / 64));
        }
      }
      const mean = [0, 1, 2].map((c) => blocks.reduce((s, b) => s + b[c]!, 0) / blocks.length);
      blocks.forEach((block, i) => {
        for (let c = 0; c < 3; c++) {
          previewError += Math.abs(last.rgba[i * 4 + c]! - block[c]!);
          meanError += Math.abs(mean[c]! - block[c]!);
        }
      });
      const n = blocks.length * 3;
      const first = previews[0]!.rgba;
      const changed = last.rgba.filter((v, i) => v !== first[i]).length / first.length;
      return { steps: previews.map((p) => `${p.window}.${p.step}`), size: [last.width, last.height], bytes: last.rgba.length, changed, previewError: previewError / n, meanError: meanError / n };
    } finally {
      engine.terminate();
    }
  });
  expect(result.steps).toEqual(['1.1', '1.2', '1.3', '1.4']);
  expect(result.size).toEqual([8, 8]);
  console.log(`preview vs decoded 8×8 blocks: mean |error| ${result.previewError.toFixed(2)} (the mean colour alone: ${result.meanError.toFixed(2)})`);
  expect(result.bytes).toBe(8 * 8 * 4);
  // Step 1's estimate is mostly noise; step 4's is the result: most bytes differ.
  expect(result.changed).toBeGreaterThan(0.5);
});
