// A browser with no WebGPU adapter at all (Chromium on Linux without --enable-unsafe-webgpu, as on a
// machine or browser without WebGPU) still makes clips: 'auto' runs the WASM backend, which needs
// no GPU device, and the video path (VideoFrame from CPU memory → WebCodecs → MP4) needs none either.
import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { BASE_ARGS, findChromium } from '../support/chromium.mjs';
import type { ClipRequest, GeneratedClip, RunOutcome } from '../support/generate_page.ts';
import { HARNESS } from '../support/gpu_page.ts';
import { probe } from '../support/media.ts';

type GeneratePage = typeof import('../support/generate_page.ts');

test.use({ launchOptions: { executablePath: findChromium(), args: BASE_ARGS } });

const MANIFEST = '/models/tiny-test/manifest.json';
const base = { prompt: 'a red ball bounces', durationSeconds: 0.25, aspect: '1:1', shortSide: 64 } as const;

async function generate(page: Page, requests: ClipRequest[]): Promise<RunOutcome['runs']> {
  const outcome = await page.evaluate(
    async ({ manifest, requests }) => ((await import('/tests/support/generate_page.ts' as string)) as GeneratePage).generateClips(manifest, requests),
    { manifest: MANIFEST, requests },
  );
  return outcome.runs;
}

test('the clip is made on the WASM backend, and a forced WebGPU run fails with advice', async ({ page }, info) => {
  test.setTimeout(120_000);
  await page.goto(HARNESS);
  const adapter = await page.evaluate(async () => (navigator.gpu ? String(await navigator.gpu.requestAdapter()) : 'no navigator.gpu'));
  expect(adapter).toMatch(/^(null|no navigator\.gpu)$/);
  const backends = await page.evaluate(async () => ((await import('/tests/support/generate_page.ts' as string)) as GeneratePage).describeBackends());
  console.log(`describeBackends without WebGPU: ${JSON.stringify(backends)}`);
  expect(backends).toMatchObject({ available: ['wasm'], auto: 'wasm' });
  expect(backends.reason).toMatch(/no WebGPU|no GPU adapter/);

  const runs = await generate(page, [{ ...base, seed: 7 }, { ...base, seed: 7, backend: 'webgpu' }]);
  const run = runs[0]!;
  if ('error' in run) throw new Error(`generation failed: ${run.error}`);
  const clip: GeneratedClip = run;
  expect(clip.clip.backend).toBe('wasm');
  const file = info.outputPath('no-webgpu.mp4');
  writeFileSync(file, Uint8Array.from(clip.mp4));
  const video = probe(file);
  expect(video).toMatchObject({ width: 64, height: 64, frames: 2 });
  expect(video.durationSeconds).toBeCloseTo(0.25, 2);
  expect(runs[1]).toEqual({ error: expect.stringMatching(/^no-(adapter|webgpu): The WebGPU backend was asked for, but it cannot run here\./) });
});
