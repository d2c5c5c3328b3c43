// Stitching through the Engine (the worker client): clips the engine made with the same settings
// are joined by copying their samples, no re-encode; clips of different sizes are encoded again;
// a file that is not an MP4 is refused naming which one. On the WASM backend (tiny-test, 8 fps).
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { Step, StepResult } from '../support/given_page.ts';
import { probe } from '../support/media.ts';
import { readProvenance } from '../../src/video/provenance.ts';
import { inFreshPage } from '../support/rgba_diff.ts';

type GivenPage = typeof import('../support/given_page.ts');

const MANIFEST = '/models/tiny-test/manifest.json';
const base = { prompt: 'a red ball bounces', shortSide: 64, backend: 'wasm' } as const;

test('the engine stitches two of its clips without re-encoding, re-encodes clips of different sizes, and names a bad file', async ({ page }, info) => {
  test.setTimeout(90_000);
  const steps: Step[] = [
    { request: { ...base, aspect: '1:1', seed: 1, durationSeconds: 0.25 } }, // 2 frames
    { request: { ...base, aspect: '1:1', seed: 2, durationSeconds: 0.5 } }, // 4 frames
    { request: { ...base, aspect: '16:9', seed: 3, durationSeconds: 0.25 } }, // 2 frames, 112×64
    { stitch: [{ clipOf: 0 }, { clipOf: 1 }] },
    { stitch: [{ clipOf: 2 }, { clipOf: 0 }] },
    { stitch: [{ clipOf: 0 }, { text: 'not a video' }] },
    { stitch: [{ clipOf: 0 }] },
  ];
  const results: StepResult[] = await inFreshPage(page, () => page.evaluate(async ({ manifest, steps }) => {
    const given = (await import('/tests/support/given_page.ts' as string)) as GivenPage;
    return given.runSteps(manifest, steps);
  }, { manifest: MANIFEST, steps }));
  const [, , , copied, reencoded, bad, single] = results;
  expect(copied).toMatchObject({ frameCount: 6, reencoded: false, width: 64, height: 64, fps: 8 });
  expect(reencoded).toMatchObject({ frameCount: 4, reencoded: true, width: 112, height: 64 });
  for (const [result, name, frames, width] of [[copied!, 'copied', 6, 64], [reencoded!, 'reencoded', 4, 112]] as const) {
    const file = info.outputPath(`${name}.mp4`);
    writeFileSync(file, Uint8Array.from(result.mp4!));
    const video = probe(file);
    expect(video).toMatchObject({ frames, width, height: 64 });
    expect(video.durationSeconds).toBeCloseTo(frames / 8, 2);
  }
  // The joined file says it is AI-generated and which clips it is made of.
  const record = readProvenance(Uint8Array.from(copied!.mp4!));
  expect(record).toMatchObject({ aiGenerated: true, model: { name: 'tiny-test' }, prompt: 'a red ball bounces | a red ball bounces' });
  expect(record!.settings).toMatchObject({ stitchedFrom: 2, partsWithoutRecord: 0, frameCount: 6, reencoded: false });
  expect(JSON.parse(String(record!.settings.parts)).map((part: { seed: number }) => part.seed)).toEqual([1, 2]);
  expect(bad!.error).toBe('bad-request: Clip 2 could not be read: this is not an MP4 file. Stitch MP4s made by Zoetrope.');
  expect(single!.error).toBe('bad-request: Pick at least two clips to stitch together.');
});
