// Extending a clip through the worker on the WASM backend (tiny-test: 64×64 at 1:1, 8 fps, windows
// of 2 latent frames with 1 of context): the earlier clip's frames start the new MP4 (decoded and
// encoded again), its last frame is VAE-encoded and given as the first window's context, and the
// new frames follow. Also what the engine says about files it cannot use, and that it keeps
// working after them.
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { psnrRgba } from '../../src/video/image_input.ts';
import type { Step, StepResult } from '../support/given_page.ts';
import { probe } from '../support/media.ts';
import { inFreshPage } from '../support/rgba_diff.ts';

type GivenPage = typeof import('../support/given_page.ts');

const MANIFEST = '/models/tiny-test/manifest.json';
const base = { prompt: 'a red ball bounces', aspect: '1:1', shortSide: 64, backend: 'wasm' } as const;

async function runSteps(page: import('@playwright/test').Page, steps: Step[]): Promise<StepResult[]> {
  return inFreshPage(page, () => page.evaluate(async ({ manifest, steps }) => {
    const given = (await import('/tests/support/given_page.ts' as string)) as GivenPage;
    return given.runSteps(manifest, steps);
  }, { manifest: MANIFEST, steps }));
}

function ok(result: StepResult): StepResult & { frameHashes: string[]; mp4: number[] } {
  if (result.error) throw new Error(result.error);
  return result as StepResult & { frameHashes: string[]; mp4: number[] };
}

test('an extended clip is the earlier clip\'s frames then the new ones; the same seed gives the same frames', async ({ page }, info) => {
  test.setTimeout(90_000);
  const extend: Step = { request: { ...base, seed: 9, durationSeconds: 0.25, extend: { clipOf: 0 } }, keepFrames: true };
  const results = await runSteps(page, [
    { request: { ...base, seed: 5, durationSeconds: 0.5 }, keepFrames: true }, // 4 frames
    extend,
    extend,
    { request: { ...base, seed: 9, durationSeconds: 0.25 } }, // the same new part from nothing
  ]);
  const [earlier, extended, again, plain] = results.map(ok) as [ReturnType<typeof ok>, ReturnType<typeof ok>, ReturnType<typeof ok>, ReturnType<typeof ok>];
  expect(extended).toMatchObject({ frameCount: 6, earlierFrames: 4, width: 64, height: 64 });
  // Progress told the page from the first event on which frames are the earlier clip's.
  expect(extended.earlierSeen).toEqual(['4/6']);
  // The earlier frames went through the codec once (made → MP4 → decoded here): each is closer to
  // the frame it was made as than to any other earlier frame. Random-weight frames are pixel-level
  // noise (tiny-test's decoder ends in a pixel shuffle), which H.264 keeps worst: measured 19.8–20.3 dB
  // (30.2–30.6 dB with the smoother noise of the VAE before it), and 18.3 dB at most between
  // different frames, which look much alike.
  const earlierFrames = earlier.frames!.map((frame) => Uint8Array.from(frame));
  const kept = extended.frames!.slice(0, earlierFrames.length).map((frame) => Uint8Array.from(frame));
  const psnrs = earlierFrames.map((frame, i) => psnrRgba(frame, kept[i]!));
  const others = earlierFrames.flatMap((frame, i) => kept.filter((_, j) => j !== i).map((other) => psnrRgba(frame, other)));
  console.log(`earlier frames in the extended clip vs as first made: PSNR ${psnrs.map((p) => p.toFixed(1)).join(', ')} dB (vs other frames: at most ${Math.max(...others).toFixed(1)} dB); given-media time ${extended.timings?.given?.toFixed(0)} ms`);
  for (const psnr of psnrs) {
    expect(psnr).toBeGreaterThan(17);
    expect(psnr).toBeGreaterThan(Math.max(...others) + 0.5);
  }
  // The new frames continue the earlier clip: not the frames the same seed makes from nothing.
  expect(extended.frameHashes.slice(4)).not.toEqual(plain.frameHashes);
  expect(new Set(extended.frameHashes).size).toBe(6);
  expect(again.frameHashes).toEqual(extended.frameHashes);

  const file = info.outputPath('extended.mp4');
  writeFileSync(file, Uint8Array.from(extended.mp4));
  const video = probe(file);
  expect(video).toMatchObject({ width: 64, height: 64, frames: 6 });
  expect(video.durationSeconds).toBeCloseTo(0.75, 2);
});

test('unreadable or unfitting files are refused with a clear message, and the engine keeps working', async ({ page }) => {
  test.setTimeout(90_000);
  const results = await runSteps(page, [
    { request: { ...base, seed: 1, durationSeconds: 0.25 } }, // a 64×64 clip to misuse
    { request: { ...base, seed: 1, durationSeconds: 0.25, image: { text: 'not a picture' } } },
    { request: { ...base, seed: 1, durationSeconds: 0.25, endImage: { text: 'not a picture' } } },
    { request: { ...base, seed: 1, durationSeconds: 0.25, extend: { cutClipOf: 0 } } },
    { request: { ...base, seed: 1, durationSeconds: 0.25, extend: { text: 'not a video' } } },
    { request: { ...base, seed: 1, durationSeconds: 0.25, aspect: '16:9', extend: { clipOf: 0 } } },
    { request: { ...base, seed: 1, durationSeconds: 0.25, image: { picture: 0 }, extend: { clipOf: 0 } } },
    { request: { ...base, seed: 1, durationSeconds: 0.25, image: { picture: 0 } } }, // and then it works
  ]);
  const errors = results.slice(1, 7).map((r) => r.error ?? 'no error');
  console.log(errors.join('\n'));
  expect(errors[0]).toBe('bad-request: The start image could not be read: it is not an image this browser can open. Use a PNG, JPEG or WebP file.');
  expect(errors[1]).toMatch(/^bad-request: The end image could not be read/);
  expect(errors[2]).toMatch(/^bad-request: The clip to extend could not be read: .*(cut off|moov)/);
  expect(errors[3]).toMatch(/^bad-request: The clip to extend could not be read: this is not an MP4 file/);
  expect(errors[4]).toBe('bad-request: The clip to extend is 64×64, but tiny-test makes 112×64 clips at this aspect ratio. Choose the 1:1 aspect ratio to extend it.');
  expect(errors[5]).toMatch(/^bad-request: Start from an image or extend a clip, not both/);
  expect(ok(results[7]!).frameCount).toBe(2);
});
