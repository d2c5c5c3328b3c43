// Image-to-video through the worker, on both backends (tiny-test, 1:1 = 64×64, 8 fps): the picture
// is fitted to the bucket, encoded by the VAE encoder and given as latent frame 0 of window 0,
// where the sampler keeps it exactly. So frame 0 of the clip must be the picture's VAE round trip
// (encode → decode, computed here outside the engine), whatever the weights. tiny-test's weights
// are random, so that round trip is far from the picture itself: its PSNR against the picture is
// low, and frame 0 can be no closer. Both PSNRs are printed.
import { expect, test, type Page } from '@playwright/test';
import { psnrRgba } from '../../src/video/image_input.ts';
import type { Step, StepResult } from '../support/given_page.ts';
import { inFreshPage } from '../support/rgba_diff.ts';
import { rgbDiff } from '../support/rgba_diff.ts';

type GivenPage = typeof import('../support/given_page.ts');

const MANIFEST = '/models/tiny-test/manifest.json';
const base = { prompt: 'a red ball bounces', aspect: '1:1', shortSide: 64 } as const;

const bytes = (values: number[]) => Uint8Array.from(values);

async function run(page: Page, backend: 'webgpu' | 'wasm', seconds: number) {
  const i2v: Step = { request: { ...base, backend, seed: 7, durationSeconds: seconds, image: { picture: 0 } }, keepFrames: true };
  const t2v: Step = { request: { ...base, backend, seed: 7, durationSeconds: seconds }, keepFrames: true };
  // In-betweening in one window of 2 latent frames, both given (positions 0 and 1); on WASM
  // tests/gpu/inbetween.spec.ts covers it over several windows.
  const between: Step = { request: { ...base, backend, seed: 7, durationSeconds: 0.25, image: { picture: 1 }, endImage: { picture: 2 } }, keepFrames: true };
  return inFreshPage(page, () => page.evaluate(async ({ manifest, steps, backend }) => {
    const given = (await import('/tests/support/given_page.ts' as string)) as GivenPage;
    const results = await given.runSteps(manifest, steps);
    return { results, ...(await given.vaeRoundTrips(manifest, backend, [0, 1, 2], 64, 64)) };
  }, { manifest: MANIFEST, steps: [i2v, t2v, i2v, ...(backend === 'webgpu' ? [between] : [])], backend }));
}

function ok(result: StepResult): Required<Pick<StepResult, 'frames' | 'frameHashes' | 'frameCount'>> & StepResult {
  if (result.error) throw new Error(result.error);
  return result as Required<Pick<StepResult, 'frames' | 'frameHashes' | 'frameCount'>> & StepResult;
}

for (const [backend, seconds] of [['wasm', 0.5], ['webgpu', 0.25]] as const) {
  test(`image-to-video on ${backend}: frame 0 is the picture's VAE round trip; the rest is generated; same seed, same frames${backend === 'webgpu' ? '; in-betweening' : ''}`, async ({ page }) => {
    test.setTimeout(120_000);
    const { results, fitted, roundTrips } = await run(page, backend, seconds);
    const [i2v, t2v, again] = results.slice(0, 3).map(ok) as [ReturnType<typeof ok>, ReturnType<typeof ok>, ReturnType<typeof ok>];
    const frames = Math.round(seconds * 8);
    expect(i2v.frameCount).toBe(frames);
    expect(i2v.frames).toHaveLength(frames);
    const picture = bytes(fitted[0]!);
    const roundTrip = bytes(roundTrips[0]!);
    const frame0 = bytes(i2v.frames[0]!);
    const toRoundTrip = rgbDiff(frame0, roundTrip);
    const control = rgbDiff(bytes(t2v.frames[0]!), roundTrip);
    console.log(
      `${backend}: frame 0 vs the VAE round trip: max |Δ| ${toRoundTrip.max}, mean ${toRoundTrip.mean.toFixed(4)}; ` +
        `PSNR vs the picture: frame 0 ${psnrRgba(frame0, picture).toFixed(2)} dB, round trip ${psnrRgba(roundTrip, picture).toFixed(2)} dB, ` +
        `text-to-video frame 0 ${psnrRgba(bytes(t2v.frames[0]!), picture).toFixed(2)} dB (random weights: all low); ` +
        `text-to-video frame 0 vs round trip: max |Δ| ${control.max}, mean ${control.mean.toFixed(2)}; given-media time ${i2v.timings?.given?.toFixed(0)} ms`,
    );
    // The given latent is kept exactly and decoded frame by frame, so only the decoder's batch
    // (a window of frames there, one frame here) could move a value across an 8-bit rounding step.
    expect(toRoundTrip.max).toBeLessThanOrEqual(1);
    expect(toRoundTrip.mean).toBeLessThan(0.01);
    // Not vacuous: without the image, frame 0 is another picture (random weights decode every
    // latent to a greyish texture, so "another" is a few levels on average; measured 5.3).
    expect(control.mean).toBeGreaterThan(2);
    expect(psnrRgba(frame0, picture)).toBeCloseTo(psnrRgba(roundTrip, picture), 1);
    // Later frames are generated, not copies of frame 0.
    expect(new Set(i2v.frameHashes).size).toBe(frames);
    expect(again.frameHashes).toEqual(i2v.frameHashes);
    if (backend === 'webgpu') {
      const between = ok(results[3]!).frames;
      expect(rgbDiff(bytes(between[0]!), bytes(roundTrips[1]!)).max).toBeLessThanOrEqual(1);
      expect(rgbDiff(bytes(between[1]!), bytes(roundTrips[2]!)).max).toBeLessThanOrEqual(1);
    }
  });
}
