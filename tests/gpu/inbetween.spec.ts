// In-betweening through the worker on the WASM backend (tiny-test: windows of 2 latent frames,
// 1 of context, 8 fps): the start picture is given at the clip's first latent frame and the end
// picture at its last, which the window plan puts at the end of the last window. Both are kept
// exactly, so the clip's first and last frames must be the pictures' VAE round trips (encode →
// decode outside the engine). A picture given only as the end works the same way. (On WebGPU:
// tests/gpu/image_to_video.spec.ts.)
import { expect, test } from '@playwright/test';
import type { Step, StepResult } from '../support/given_page.ts';
import { inFreshPage, rgbDiff } from '../support/rgba_diff.ts';

type GivenPage = typeof import('../support/given_page.ts');

const MANIFEST = '/models/tiny-test/manifest.json';
const base = { prompt: 'a red ball bounces', aspect: '1:1', shortSide: 64, backend: 'wasm', seed: 4 } as const;

function framesOf(result: StepResult): number[][] {
  if (result.error) throw new Error(result.error);
  return result.frames!;
}

test('between two pictures the first and last frames are their VAE round trips; a picture given as the end alone ends the clip', async ({ page }) => {
  test.setTimeout(90_000);
  const steps: Step[] = [
    // 0.5 s = 4 frames = 3 windows: the end picture is the third window's last frame.
    { request: { ...base, durationSeconds: 0.5, image: { picture: 1 }, endImage: { picture: 2 } }, keepFrames: true },
    // 0.625 s = 5 frames: without an end picture the last window would be cut to length; with one it ends on it.
    { request: { ...base, durationSeconds: 0.625, endImage: { picture: 2 } }, keepFrames: true },
    // One frame cannot be two pictures.
    { request: { ...base, durationSeconds: 0.125, image: { picture: 1 }, endImage: { picture: 2 } } },
  ];
  const { results, roundTrips } = await inFreshPage(page, () => page.evaluate(async ({ manifest, steps }) => {
    const given = (await import('/tests/support/given_page.ts' as string)) as GivenPage;
    return { results: await given.runSteps(manifest, steps), ...(await given.vaeRoundTrips(manifest, 'wasm', [1, 2], 64, 64)) };
  }, { manifest: MANIFEST, steps }));
  const [start, end] = roundTrips as [number[], number[]];
  const between = framesOf(results[0]!);
  expect(between).toHaveLength(4);
  const first = rgbDiff(between[0]!, start);
  const last = rgbDiff(between[3]!, end);
  const middle = rgbDiff(between[1]!, start);
  console.log(`in-between: first vs start round trip max |Δ| ${first.max}, last vs end round trip max |Δ| ${last.max}; frame 1 vs start mean |Δ| ${middle.mean.toFixed(2)}`);
  // Kept exactly and decoded frame by frame: measured 0; 1 allows an 8-bit rounding step.
  expect(first.max).toBeLessThanOrEqual(1);
  expect(last.max).toBeLessThanOrEqual(1);
  // The frames between are generated, not copies of either picture.
  expect(middle.mean).toBeGreaterThan(1);
  expect(rgbDiff(between[2]!, end).mean).toBeGreaterThan(1);

  const ending = framesOf(results[1]!);
  expect(ending).toHaveLength(5);
  expect(rgbDiff(ending[4]!, end).max).toBeLessThanOrEqual(1);
  expect(rgbDiff(ending[0]!, start).mean).toBeGreaterThan(1);

  expect(results[2]!.error).toMatch(/^bad-request: A clip between two images needs at least two frames/);
});
