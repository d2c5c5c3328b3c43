// The MP4 demuxer on damaged and hostile files: fuzzed over mutations of real ffmpeg files, and a
// crafted file whose sample table claims absurd sizes, which once made extension allocate
// gigabytes and end in an unexpected error. Each must end as a clear bad-request.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readEarlierClip } from '../../../src/worker/given_media.ts';
import type { ModelConfig } from '../../../src/model/config.ts';
import { demuxVideoTrack, MAX_SAMPLES, Mp4FormatError } from '../../../src/video/demux.ts';
import { childBoxes, type Box } from '../../../src/video/mp4_boxes.ts';
import { isEngineError } from '../../../src/worker/errors.ts';
import { applyMutations, boundedParse, byteMutations, FUZZ_BUDGET_MS, FUZZ_TEST_TIMEOUT_MS, fuzzSettings } from '../support/fuzz.ts';

const dir = mkdtempSync(join(tmpdir(), 'zoetrope-demux-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpegClip(name: string, args: string[]): Uint8Array<ArrayBuffer> {
  const file = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=32x32:rate=8', '-frames:v', '6',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', ...args, file]);
  return new Uint8Array(readFileSync(file));
}

// Boxes whose payload is more boxes (after `skip` bytes of their own fields).
const CONTAINERS: Record<string, number> = { moov: 0, trak: 0, mdia: 0, minf: 0, stbl: 0, stsd: 8, avc1: 78 };

/** Every box in the file, depth first. */
function allBoxes(bytes: Uint8Array, from = 0, to = bytes.length, out: Box[] = []): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const box of childBoxes(view, from, to)) {
    out.push(box);
    const skip = CONTAINERS[box.type];
    if (skip !== undefined) allBoxes(bytes, box.payload + skip, box.end, out);
  }
  return out;
}

/** Per box: the offsets of its size field and of its first fields (versions, counts, table entries). */
function boxFields(bytes: Uint8Array): number[][] {
  return allBoxes(bytes).map((box) => [box.start, box.payload, box.payload + 4, box.payload + 8, box.payload + 12, box.payload + 16]);
}

const boxOf = (bytes: Uint8Array, type: string) => allBoxes(bytes).find((box) => box.type === type)!;

const isClear = (error: unknown) => error instanceof Mp4FormatError;

/** A valid result: every sample inside the file, no more samples than the limit and the file allow. */
function expectSane(track: ReturnType<typeof demuxVideoTrack>, bytes: Uint8Array) {
  expect(track.samples.length).toBeLessThanOrEqual(Math.min(MAX_SAMPLES, bytes.length));
  for (const sample of track.samples) expect(sample.offset + sample.size).toBeLessThanOrEqual(bytes.length);
  expect(track.config.codedWidth).toBeGreaterThan(0);
  expect(track.config.codedHeight).toBeGreaterThan(0);
}

const tinyConfig = JSON.parse(readFileSync('models/tiny-test/manifest.json', 'utf8')).config as ModelConfig;
const setting = { config: tinyConfig, width: 32, height: 32, fps: 8 };

describe('the demuxer on hostile MP4s', () => {
  const seeds = {
    'B-frames, moov first': ffmpegClip('bframes.mp4', ['-bf', '2', '-g', '3', '-movflags', '+faststart']),
    'no B-frames, moov last': ffmpegClip('plain.mp4', ['-bf', '0', '-g', '4']),
  };

  it.each(Object.entries(seeds))('fuzzed %s: a valid track or an Mp4FormatError, quickly, with no large allocation', (_, seed) => {
    expectSane(demuxVideoTrack(seed), seed);
    fc.assert(
      fc.property(byteMutations(seed, boxFields(seed)), (mutations) => {
        const bytes = applyMutations(seed, mutations);
        const outcome = boundedParse(() => demuxVideoTrack(bytes), isClear, bytes.length);
        if (outcome.ok) expectSane(outcome.value!, bytes);
      }),
      fuzzSettings(FUZZ_BUDGET_MS / 2),
    );
  }, FUZZ_TEST_TIMEOUT_MS);

  it('a sample table with an absurd sample size and count is refused before anything is allocated, as a bad-request', () => {
    const crafted = new Uint8Array(seeds['no B-frames, moov last']);
    const stsz = boxOf(crafted, 'stsz');
    const view = new DataView(crafted.buffer);
    view.setUint32(stsz.payload + 4, 0xffffffff); // every sample 4 GiB
    view.setUint32(stsz.payload + 8, 0x40000000); // and a billion of them
    const outcome = boundedParse(() => demuxVideoTrack(crafted), isClear, crafted.length);
    expect(outcome.ok).toBe(false);
    expect((outcome.error as Error).message).toMatch(/frames/);
    // What extension does with it: a bad-request that says what to pick instead.
    let thrown: unknown;
    try {
      readEarlierClip(crafted, setting);
    } catch (error) {
      thrown = error;
    }
    expect(isEngineError(thrown, 'bad-request')).toBe(true);
    expect((thrown as Error).message).toMatch(/^The clip to extend could not be read: .*Pick an MP4 made by Zoetrope\.$/);
  });

  it('a uniform sample size whose frames together outgrow the file is refused', () => {
    const crafted = new Uint8Array(seeds['no B-frames, moov last']);
    const stsz = boxOf(crafted, 'stsz');
    const view = new DataView(crafted.buffer);
    const count = view.getUint32(stsz.payload + 8);
    view.setUint32(stsz.payload + 4, Math.ceil(crafted.length / count) + 1);
    expect(() => demuxVideoTrack(crafted)).toThrow(/more than the whole file/);
  });

  it('a chunk table that names a chunk before the first is refused, not read', () => {
    const crafted = new Uint8Array(seeds['B-frames, moov first']);
    const stsc = boxOf(crafted, 'stsc');
    new DataView(crafted.buffer).setUint32(stsc.payload + 8, 0); // first_chunk is 1-based: 0 is before the table
    expect(() => demuxVideoTrack(crafted)).toThrow(/out of order/);
  });
});
