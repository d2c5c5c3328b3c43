// Provenance on our own MP4s: Mp4Writer (WebCodecs + mp4-muxer) in the browser makes a clip,
// addProvenance stamps it there, and the result must still be a file that ffprobe decodes frame
// for frame and Chromium's own player opens, with the record readable by ffprobe and by us.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { HARNESS } from '../support/gpu_page.ts';
import { probe } from '../support/media.ts';
import { readProvenance, type Provenance } from '../../src/video/provenance.ts';

const RECORD: Provenance = {
  aiGenerated: true,
  generator: 'Zoetrope 0.1.0',
  model: { name: 'tiny-test', version: '1' },
  seed: 42,
  prompt: 'a "quoted" <prompt> & 猫 🎥',
  settings: { durationSeconds: 1.5, aspect: '1:1' },
  createdAt: '2026-01-02T03:04:05.678Z',
};

test('an Mp4Writer clip with provenance added decodes like the original, plays in Chromium, and carries the record', async ({ page }, info) => {
  await page.goto(HARNESS);
  const result = await page.evaluate(async (record) => {
    const { Mp4Writer } = await import('/src/video/encode.ts' as string);
    const { cpuTestPatternFrame } = await import('/src/video/test_pattern_frames.ts' as string);
    const { addProvenance } = await import('/src/video/provenance.ts' as string);
    const writer = await Mp4Writer.open({ width: 64, height: 64, fps: 8 });
    for (let i = 0; i < 12; i++) {
      const frame: VideoFrame = cpuTestPatternFrame(i, 64, 64, writer.timestampOf(i), writer.frameDuration);
      await writer.addFrame(frame);
      frame.close();
    }
    const original = new Uint8Array(await (await writer.finish()).arrayBuffer());
    const stamped: Uint8Array = addProvenance(original, record);
    // Chromium's own player: metadata, size and duration of the stamped file.
    const video = document.createElement('video');
    video.muted = true;
    video.src = URL.createObjectURL(new Blob([stamped as BlobPart], { type: 'video/mp4' }));
    await new Promise((done, fail) => {
      video.onloadeddata = done;
      video.onerror = () => fail(new Error(`Chromium could not open the stamped MP4: ${video.error?.message}`));
    });
    return { codec: writer.codec as string, original: Array.from(original), stamped: Array.from(stamped),
      played: { width: video.videoWidth, height: video.videoHeight, duration: video.duration } };
  }, RECORD);

  expect(result.codec).toMatch(/^avc1\./);
  expect(result.played).toEqual({ width: 64, height: 64, duration: 1.5 });
  const originalFile = info.outputPath('original.mp4');
  const stampedFile = info.outputPath('stamped.mp4');
  writeFileSync(originalFile, Uint8Array.from(result.original));
  writeFileSync(stampedFile, Uint8Array.from(result.stamped));

  const before = probe(originalFile);
  expect(before).toMatchObject({ codec: 'h264', width: 64, height: 64, frames: 12 });
  expect(probe(stampedFile)).toEqual(before);
  // Every decoded picture is the same, byte for byte.
  const frames = (file: string) => execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 26 });
  expect(frames(stampedFile).equals(frames(originalFile))).toBe(true);

  const tags = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', stampedFile], { encoding: 'utf8' })).format.tags;
  expect(tags).toMatchObject({
    encoder: 'Zoetrope 0.1.0',
    comment: `AI-generated video, made by Zoetrope 0.1.0 with the model tiny-test 1, seed 42. Prompt: ${RECORD.prompt}`,
    description: RECORD.prompt,
    date: RECORD.createdAt,
  });
  expect(readProvenance(Uint8Array.from(result.stamped))).toEqual(RECORD);
  expect(readProvenance(Uint8Array.from(result.original))).toBeNull();
});
