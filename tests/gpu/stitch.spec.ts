// Reading our own MP4s back (demux + WebCodecs decode) and stitching clips, in the browser:
// clips made with the same settings are joined by copying their samples (no re-encode), others
// are decoded and encoded again; ffprobe must accept the result and see every frame.
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { decodeFrameRgb, meanRgb, probe } from '../support/media.ts';
import { quadrantColour } from '../../src/video/test_pattern.ts';

type EngineModule = typeof import('../../src/worker/engine.ts');
type StitchModule = typeof import('../../src/video/stitch.ts');
type DecodeModule = typeof import('../../src/video/decode.ts');

// Limited-range YUV 4:2:0 coding moves a flat colour by a few levels; 12/255 is what the video
// path's own test allows plus room for a second generation of coding.
const COLOUR_TOLERANCE = 12;

test.beforeEach(async ({ page }) => {
  await page.goto('/tests/gpu/harness.html');
});

/** Test-pattern clips made by the engine in the page, then `run` on their bytes; returns its result. */
async function withClips<T>(page: import('@playwright/test').Page, sizes: { width: number; height: number; frames: number }[], run: string): Promise<T> {
  return page.evaluate(async ({ sizes, run }) => {
    const { ZoetropeEngine } = (await import('/src/worker/engine.ts' as string)) as EngineModule;
    const engine = new ZoetropeEngine();
    const clips: Uint8Array<ArrayBuffer>[] = [];
    for (const { width, height, frames } of sizes) {
      const clip = await engine.renderTestPattern({ width, height, fps: 12, frameCount: frames, source: 'cpu', codecs: ['avc'] });
      clips.push(new Uint8Array(await clip.mp4.arrayBuffer()));
    }
    const stitch = (await import('/src/video/stitch.ts' as string)) as StitchModule;
    const decode = (await import('/src/video/decode.ts' as string)) as DecodeModule;
    const fn = new Function('clips', 'stitch', 'decode', `return (async () => { ${run} })();`);
    return fn(clips, stitch, decode);
  }, { sizes, run }) as Promise<T>;
}

test('clips with the same settings are stitched by copying samples; ffprobe sees every frame in order', async ({ page }, info) => {
  const result = await withClips<{ bytes: number[]; frameCount: number; reencoded: boolean }>(page, [
    { width: 96, height: 64, frames: 12 },
    { width: 96, height: 64, frames: 7 },
  ], `
    const out = await stitch.stitchClips(clips);
    return { bytes: Array.from(new Uint8Array(await out.mp4.arrayBuffer())), frameCount: out.frameCount, reencoded: out.reencoded };
  `);
  expect(result.reencoded).toBe(false);
  expect(result.frameCount).toBe(19);
  const file = info.outputPath('stitched.mp4');
  writeFileSync(file, Uint8Array.from(result.bytes));
  const probed = probe(file);
  expect(probed.frames).toBe(19);
  expect(probed.width).toBe(96);
  expect(probed.durationSeconds).toBeCloseTo(19 / 12, 1);
  // Frame 12 is the second clip's frame 0: its top-left quadrant is the pattern's frame-0 colour.
  for (const [index, patternFrame] of [[11, 11], [12, 0], [18, 6]] as const) {
    const mean = meanRgb(decodeFrameRgb(file, index), 96, { x0: 4, y0: 4, x1: 44, y1: 28 });
    const expected = quadrantColour(patternFrame, 0);
    for (let c = 0; c < 3; c++) expect(Math.abs(mean[c]! - expected[c]!)).toBeLessThan(COLOUR_TOLERANCE);
  }
});

test('clips of different sizes are decoded and encoded again at the size of the first clip', async ({ page }, info) => {
  const result = await withClips<{ bytes: number[]; frameCount: number; reencoded: boolean }>(page, [
    { width: 96, height: 64, frames: 6 },
    { width: 64, height: 64, frames: 5 },
  ], `
    const out = await stitch.stitchClips(clips);
    return { bytes: Array.from(new Uint8Array(await out.mp4.arrayBuffer())), frameCount: out.frameCount, reencoded: out.reencoded };
  `);
  expect(result.reencoded).toBe(true);
  expect(result.frameCount).toBe(11);
  const file = info.outputPath('reencoded.mp4');
  writeFileSync(file, Uint8Array.from(result.bytes));
  const probed = probe(file);
  expect(probed.frames).toBe(11);
  expect([probed.width, probed.height]).toEqual([96, 64]);
  const mean = meanRgb(decodeFrameRgb(file, 6), 96, { x0: 4, y0: 4, x1: 44, y1: 28 });
  const expected = quadrantColour(0, 0);
  for (let c = 0; c < 3; c++) expect(Math.abs(mean[c]! - expected[c]!)).toBeLessThan(COLOUR_TOLERANCE);
});

test('the last frames of a clip decode to the pattern they were made from', async ({ page }) => {
  const result = await withClips<{ count: number; width: number; topLeft: number[][] }>(page, [{ width: 96, height: 64, frames: 10 }], `
    const { frames } = await decode.lastFrames(clips[0], 3);
    return { count: frames.length, width: frames[0].width,
      topLeft: frames.map((f) => { const i = (10 * f.width + 10) * 4; return [f.rgba[i], f.rgba[i + 1], f.rgba[i + 2]]; }) };
  `);
  expect(result.count).toBe(3);
  expect(result.width).toBe(96);
  for (const [k, rgb] of result.topLeft.entries()) {
    const expected = quadrantColour(7 + k, 0);
    for (let c = 0; c < 3; c++) expect(Math.abs(rgb[c]! - expected[c]!)).toBeLessThan(COLOUR_TOLERANCE);
  }
});

test('frames are handed over as they are decoded: a 60-frame clip never has more than a few waiting', async ({ page }) => {
  const result = await withClips<{ frames: number; held: number }>(page, [{ width: 64, height: 64, frames: 60 }], `
    let frames = 0;
    const { mostFramesHeld } = await decode.decodeFrames(clips[0], async (frame) => {
      frames += 1;
      frame.close();
      await new Promise((resolve) => setTimeout(resolve, 5)); // a slow consumer, as an encoder is
    });
    return { frames, held: mostFramesHeld };
  `);
  expect(result.frames).toBe(60);
  // The decoder is fed 4 chunks ahead (decode.ts), plus what a flush releases at the end.
  expect(result.held).toBeLessThanOrEqual(8);
});

test('stitching refuses fewer than two clips and a file that is not an MP4', async ({ page }) => {
  const messages = await withClips<string[]>(page, [{ width: 64, height: 64, frames: 2 }], `
    const out = [];
    for (const input of [[clips[0]], [clips[0], new TextEncoder().encode('not a video')]]) {
      try { await stitch.stitchClips(input); out.push('no error'); } catch (e) { out.push(String(e.message)); }
    }
    return out;
  `);
  expect(messages[0]).toMatch(/at least two/);
  expect(messages[1]).toMatch(/not an MP4 file/);
});
