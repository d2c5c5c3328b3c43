// Edits through the Engine (the worker client) on test-pattern clips, checked in the decoded MP4s
// with ffmpeg: a title shows in exactly its frames, a crossfade's middle frame is the mean of its
// two sides, a trim keeps exactly the frames asked for; provenance lists the title and the edits;
// bad titles and crossfades are refused with their reasons.
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { decodeAllFramesRgb, probe } from '../support/media.ts';
import { demuxVideoTrack } from '../../src/video/demux.ts';
import { readProvenance } from '../../src/video/provenance.ts';
import { meanAbsDifference } from '../../src/video/cut_continuity.ts';
import { inFreshPage } from '../support/rgba_diff.ts';
import type { EditRequest, Title } from '../../src/worker/api.ts';

type Client = typeof import('../../src/worker/client.ts');
type Provenance = typeof import('../../src/video/provenance.ts');
const [W, H, FPS] = [160, 96, 8];
const TITLE: Title = { text: 'THE END', from: 0.25, to: 0.625, position: 'middle', font: 'sans', size: 0.3, colour: '#ffffff', fade: 0 };
/** Edits of the source clip (index 0 in `clips`), by clip index. */
type PageEdit = Omit<EditRequest, 'clips'> & { clips: number[] };

const EDITS: PageEdit[] = [
  { clips: [0], titles: [TITLE] }, // the title over frames 2, 3, 4
  // Cut in two and joined again: every frame re-encoded as it is, the title's reference (one clip
  // kept whole would be copied, not re-encoded).
  { clips: [0, 0], trims: [{ start: 0, end: 0.5 }, { start: 0.5, end: 1 }] },
  { clips: [0, 0], trims: [{ start: 0, end: 0.5 }, { start: 0.5, end: 1 }], transitions: [{ kind: 'crossfade', seconds: 0.375 }] },
  { clips: [0], trims: [{ start: 0.25, end: 0.75 }] }, // frames 2‥5
  { clips: [0], titles: [{ ...TITLE, text: 'x'.repeat(10_000) }] },
  { clips: [0], titles: [{ ...TITLE, text: '<b>bold</b>' }, { ...TITLE, colour: 'red', to: 0.1 }] },
  { clips: [0, 0], transitions: [{ kind: 'crossfade', seconds: 2 }] },
];

test('edits: a title in exactly its frames, a crossfade\'s middle the mean of its sides, a trim keeps exact frames', async ({ page }, info) => {
  test.setTimeout(120_000);
  const results = await inFreshPage(page, () => page.evaluate(async ({ edits, W, H, FPS }) => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as Client;
    const engine = createEngineClient();
    try {
      const source = await engine.renderTestPattern({ width: W, height: H, fps: FPS, frameCount: 8, source: 'cpu' });
      // A record as a generated clip carries, so the edits have one to add to.
      const { addProvenance } = (await import('/src/video/provenance.ts' as string)) as Provenance;
      const bytes = addProvenance(new Uint8Array(await source.mp4.arrayBuffer()), {
        aiGenerated: true, generator: 'Zoetrope test', model: { name: 'test-pattern', version: '1' }, seed: 1, prompt: 'a test pattern', settings: {}, createdAt: new Date(0).toISOString(),
      });
      const out: { mp4?: number[]; frameCount?: number; error?: string }[] = [{ mp4: Array.from(bytes), frameCount: 8 }];
      for (const edit of edits) {
        try {
          const edited = await engine.edit({ ...edit, clips: edit.clips.map(() => bytes) });
          out.push({ mp4: Array.from(new Uint8Array(await edited.mp4.arrayBuffer())), frameCount: edited.frameCount });
        } catch (error) {
          out.push({ error: `${(error as { code?: string }).code}: ${(error as Error).message}` });
        }
      }
      return out;
    } finally {
      engine.terminate();
    }
  }, { edits: EDITS, W, H, FPS }));
  const frames = (r: { mp4?: number[] }, name: string) => {
    const file = info.outputPath(`${name}.mp4`);
    writeFileSync(file, Uint8Array.from(r.mp4!));
    return { file, frames: decodeAllFramesRgb(file, W, H) };
  };
  const [source, titled, plain, faded, trimmed, huge, markup, tooLong] = results;
  const original = frames(source!, 'source').frames;

  // The title: compared with the same clip re-encoded without it, in the frame's middle band.
  const band = (rgb: Buffer) => rgb.subarray(Math.round(H * 0.35) * W * 3, Math.round(H * 0.65) * W * 3);
  const [withTitle, without] = [frames(titled!, 'titled'), frames(plain!, 'plain')];
  expect(withTitle.frames).toHaveLength(8);
  const changes = withTitle.frames.map((f, i) => meanAbsDifference(band(f), band(without.frames[i]!)));
  info.annotations.push({ type: 'title change per frame', description: changes.map((c) => c.toFixed(2)).join(' ') });
  changes.forEach((change, i) => {
    if (i >= 2 && i <= 4) expect(change, `frame ${i} has the title`).toBeGreaterThan(15);
    else expect(change, `frame ${i} has no title`).toBeLessThan(2);
  });
  const record = readProvenance(Uint8Array.from(titled!.mp4!))!;
  expect(record).toMatchObject({ prompt: 'a test pattern', settings: { frameCount: 8 } });
  expect(record.titles).toEqual([{ text: 'THE END', from: 0.25, to: 0.625 }]);
  expect(record.edits).toEqual(['1 title drawn into the frames']);

  // The crossfade of 3 frames: A0, A1·¾+B4·¼, (A2+B5)/2, A3·¼+B6·¾, B7.
  const fade = frames(faded!, 'crossfade');
  expect(probe(fade.file).frames).toBe(5);
  const mean = Buffer.from(original[2]!.map((a, i) => Math.round((a + original[5]![i]!) / 2)));
  expect(meanAbsDifference(fade.frames[2]!, mean)).toBeLessThan(3);
  expect(meanAbsDifference(fade.frames[0]!, original[0]!)).toBeLessThan(3);
  expect(meanAbsDifference(fade.frames[4]!, original[7]!)).toBeLessThan(3);
  expect(readProvenance(Uint8Array.from(faded!.mp4!))!.edits).toEqual([
    'clip 1 trimmed to 0 s–0.5 s', 'clip 2 trimmed to 0.5 s–1 s', 'crossfade of 3 frames (0.375 s) between clips 1 and 2',
  ]);

  // The trim keeps frames 2‥5, each nearest its own source frame.
  const cut = frames(trimmed!, 'trimmed');
  expect(cut.frames).toHaveLength(4);
  cut.frames.forEach((frame, i) => {
    const distances = original.map((o) => meanAbsDifference(frame, o));
    expect(distances.indexOf(Math.min(...distances)), `trimmed frame ${i}`).toBe(i + 2);
    expect(distances[i + 2]).toBeLessThan(3);
  });

  expect(huge!.error).toBe('bad-request: Title 1 is too long (10000 characters; at most 200).');
  expect(markup!.error).toBe('bad-request: Title 1 ("<b>bold</b>") contains markup or control characters (such as < or >): titles are drawn as plain text, so write the words alone. Title 2 must start at 0 s or later and end after it starts (got "0.25" to "0.1"). Title 2\'s colour must be #rrggbb (got "red").');
  expect(tooLong!.error).toMatch(/^bad-request: The crossfade between clips 1 and 2 must last more than 0 s and at most 1 s/);
});

// Re-encode only what changes: a 5 s clip (groups of pictures of 16 frames, from frames 0, 16 and
// 32) with a title over frames 2‥4 keeps its last two groups sample for sample; the first group is
// decoded, titled and encoded again, and only it is decoded.
test('a title re-encodes only the groups of pictures it touches; the others are copied byte for byte', async ({ page }, info) => {
  test.setTimeout(120_000);
  const [source, titled, decodedFrames] = await inFreshPage(page, () => page.evaluate(async ({ W, H, FPS, title }) => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as Client;
    const engine = createEngineClient();
    try {
      const clip = await engine.renderTestPattern({ width: W, height: H, fps: FPS, frameCount: 40, source: 'cpu' });
      const { addProvenance } = (await import('/src/video/provenance.ts' as string)) as Provenance;
      const bytes = addProvenance(new Uint8Array(await clip.mp4.arrayBuffer()), {
        aiGenerated: true, generator: 'Zoetrope test', model: { name: 'test-pattern', version: '1' }, seed: 1, prompt: 'a test pattern', settings: {}, createdAt: new Date(0).toISOString(),
      });
      const edited = await engine.edit({ clips: [bytes], titles: [title] });
      return [Array.from(bytes), Array.from(new Uint8Array(await edited.mp4.arrayBuffer())), edited.decodedFrames];
    } finally {
      engine.terminate();
    }
  }, { W, H, FPS, title: TITLE }));
  const [before, after] = [Uint8Array.from(source as number[]), Uint8Array.from(titled as number[])];
  expect(decodedFrames).toBe(16);
  const [a, b] = [demuxVideoTrack(before), demuxVideoTrack(after)];
  expect(b.samples).toHaveLength(40);
  expect(a.samples.flatMap((s, i) => (s.keyFrame ? [i] : []))).toEqual([0, 16, 32]);
  const bytesOf = (file: Uint8Array, s: { offset: number; size: number }) => Buffer.from(file.subarray(s.offset, s.offset + s.size));
  for (let i = 16; i < 40; i++) expect(bytesOf(after, b.samples[i]!).equals(bytesOf(before, a.samples[i]!)), `sample ${i} copied`).toBe(true);
  expect(bytesOf(after, b.samples[2]!).equals(bytesOf(before, a.samples[2]!)), 'sample 2 encoded again').toBe(false);
  expect(readProvenance(after)!.edits).toEqual(['1 title drawn into the frames', '24 of 40 frames copied as they were, the rest encoded again']);
  // Decoded, the title is in frames 2‥4 only, and every other frame is its source frame.
  const write = (bytes: Uint8Array, name: string) => {
    const file = info.outputPath(`${name}.mp4`);
    writeFileSync(file, bytes);
    return decodeAllFramesRgb(file, W, H);
  };
  const [original, edited] = [write(before, 'source-40'), write(after, 'titled-40')];
  const band = (rgb: Buffer) => rgb.subarray(Math.round(H * 0.35) * W * 3, Math.round(H * 0.65) * W * 3);
  edited.forEach((frame, i) => {
    const change = meanAbsDifference(band(frame), band(original[i]!));
    if (i >= 2 && i <= 4) expect(change, `frame ${i} has the title`).toBeGreaterThan(15);
    else if (i >= 16) expect(change, `frame ${i} is copied`).toBe(0);
    else expect(change, `frame ${i} has no title`).toBeLessThan(3);
  });
});
