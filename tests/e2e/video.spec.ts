// The video path end to end in the built app's developer page: frames drawn (by a compute shader
// or on the CPU) → live preview → WebCodecs → mp4-muxer → MP4, then checked by ffprobe/ffmpeg.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PALETTE } from '../../src/video/test_pattern.ts';
import { decodeFrameRgb, meanRgb, probe } from '../support/media.ts';

// H.264/VP9 at ~0.2 bits per pixel on flat colour: each channel's mean within 10 of 255 of the
// original away from the quadrant edges (where 4:2:0 chroma and block edges blur colours).
const COLOUR_TOLERANCE = 10;
const EDGE_MARGIN = 12;

async function renderClip(page: Page, options: { size: string; source: 'gpu' | 'cpu'; codecs: string; frames: number; fps: number }) {
  await page.goto('/?dev');
  await expect(page.getByTestId('gpu-badge')).toHaveAttribute('data-tone', /ok|warn/);
  await page.getByTestId('dev-size').selectOption({ label: options.size });
  await page.getByTestId('dev-source').selectOption(options.source);
  await page.getByTestId('dev-codecs').selectOption({ label: options.codecs });
  await page.getByTestId('dev-frames').fill(String(options.frames));
  await page.getByTestId('dev-fps').fill(String(options.fps));
  await page.getByTestId('dev-run').click();
  const result = page.getByTestId('dev-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  const codec = (await result.getAttribute('data-codec'))!;
  const url = (await result.getAttribute('data-url'))!;
  const bytes = await page.evaluate(async (u) => Array.from(new Uint8Array(await (await fetch(u)).arrayBuffer())), url);
  const file = join(mkdtempSync(join(tmpdir(), 'zoetrope-')), 'clip.mp4');
  writeFileSync(file, Uint8Array.from(bytes));
  return { codec, file };
}

function expectQuadrantColours(file: string, frame: number, width: number, height: number) {
  const rgb = decodeFrameRgb(file, frame);
  expect(rgb.length).toBe(width * height * 3);
  const halfW = Math.floor(width / 2);
  const halfH = Math.floor(height / 2);
  const quadrants = [
    { x0: 0, y0: 0, x1: halfW, y1: halfH },
    { x0: halfW, y0: 0, x1: width, y1: halfH },
    { x0: 0, y0: halfH, x1: halfW, y1: height },
    { x0: halfW, y0: halfH, x1: width, y1: height },
  ];
  quadrants.forEach((q, quadrant) => {
    const inner = { x0: q.x0 + EDGE_MARGIN, y0: q.y0 + EDGE_MARGIN, x1: q.x1 - EDGE_MARGIN, y1: q.y1 - EDGE_MARGIN };
    const expected = PALETTE[(frame + quadrant) % PALETTE.length]!;
    const actual = meanRgb(rgb, width, inner);
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(actual[c]! - expected[c]!), `frame ${frame} quadrant ${quadrant} channel ${c}: ${actual}`).toBeLessThanOrEqual(COLOUR_TOLERANCE);
    }
  });
}

test('GPU-drawn frames become an H.264 MP4 that ffmpeg decodes with the right frames, size, duration and colours', async ({ page }) => {
  const { codec, file } = await renderClip(page, { size: '256 × 256', source: 'gpu', codecs: 'H.264, then VP9, then AV1', frames: 16, fps: 8 });
  expect(codec).toMatch(/^avc1\./);
  // Every frame reached the live preview.
  await expect(page.locator('canvas[data-frames-shown]')).toHaveAttribute('data-frames-shown', '16');
  const video = probe(file);
  expect(video).toMatchObject({ codec: 'h264', width: 256, height: 256, frames: 16 });
  expect(video.durationSeconds).toBeCloseTo(2.0, 1);
  for (const frame of [0, 5, 15]) expectQuadrantColours(file, frame, 256, 256);
});

test('CPU-drawn frames at a non-square size survive the same way', async ({ page }) => {
  const { codec, file } = await renderClip(page, { size: '320 × 180', source: 'cpu', codecs: 'H.264, then VP9, then AV1', frames: 12, fps: 12 });
  expect(codec).toMatch(/^avc1\./);
  const video = probe(file);
  expect(video).toMatchObject({ codec: 'h264', width: 320, height: 180, frames: 12 });
  expect(video.durationSeconds).toBeCloseTo(1.0, 1);
  expectQuadrantColours(file, 7, 320, 180);
});

test('when VP9 is asked for, the MP4 carries VP9 and still decodes correctly', async ({ page }) => {
  const { codec, file } = await renderClip(page, { size: '180 × 320', source: 'gpu', codecs: 'VP9 only', frames: 10, fps: 10 });
  expect(codec).toMatch(/^vp09\./);
  const video = probe(file);
  expect(video).toMatchObject({ codec: 'vp9', width: 180, height: 320, frames: 10 });
  expect(video.durationSeconds).toBeCloseTo(1.0, 1);
  expectQuadrantColours(file, 3, 180, 320);
});
