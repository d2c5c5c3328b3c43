// Picture headers read before decoding: the sizes of real files ffmpeg wrote, a decompression
// bomb (a tiny PNG claiming 100 000² pixels) refused before any decoder is asked, and the reader
// fuzzed over mutations of each format's file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openAsBlob, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkImageSize, decodePicture, ImageFormatError, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, readImageHeader } from '../../../src/video/image_header.ts';
import { applyMutations, boundedParse, byteMutations, FUZZ_BUDGET_MS, FUZZ_TEST_TIMEOUT_MS, fuzzSettings } from '../support/fuzz.ts';

const dir = mkdtempSync(join(tmpdir(), 'zoetrope-image-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpegPicture(name: string, args: string[] = []): Uint8Array {
  const file = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=40x30', '-frames:v', '1', ...args, file]);
  return new Uint8Array(readFileSync(file));
}

/** Offsets of each JPEG segment's marker, length and (for a frame header) height and width. */
function jpegSegments(bytes: Uint8Array): number[][] {
  const groups: number[][] = [];
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff && bytes[at + 1] !== 0xda; at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!)) {
    groups.push([at, at + 1, at + 2, at + 5, at + 7]);
  }
  return groups;
}

const seeds: Record<string, { bytes: Uint8Array; structures: number[][] }> = {};
for (const [name, args, structures] of [
  ['png', [], () => [[8, 12, 16, 20]]],
  ['gif', [], () => [[6, 8]]],
  ['bmp', [], () => [[2, 10, 14, 18, 22]]],
  ['webp', ['-c:v', 'libwebp'], () => [[4, 16, 20, 23, 26, 28]]],
  ['lossless.webp', ['-c:v', 'libwebp', '-lossless', '1'], () => [[4, 16, 20, 21, 24]]],
] as const) {
  const bytes = ffmpegPicture(`t.${name}`, [...args]);
  seeds[name] = { bytes, structures: structures().map((g) => [...g]) };
}
const jpeg = ffmpegPicture('t.jpg');
seeds['jpeg'] = { bytes: jpeg, structures: jpegSegments(jpeg) };

const isClear = (error: unknown) => error instanceof ImageFormatError;

function headerWithinLimits(bytes: Uint8Array) {
  const header = readImageHeader(bytes);
  checkImageSize(header);
  return header;
}

/** A PNG signature and IHDR chunk claiming `width`×`height`, with no pixel data after it. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA
  return bytes;
}

describe('picture headers', () => {
  it.each(Object.keys(seeds))('reads the size of a %s file ffmpeg wrote', (name) => {
    expect(readImageHeader(seeds[name]!.bytes)).toMatchObject({ width: 40, height: 30 });
  });

  it('refuses a decompression bomb before decoding it, saying how large it claims to be', async () => {
    const bomb = pngHeaderOnly(100_000, 100_000);
    expect(() => headerWithinLimits(bomb)).toThrow(/100000×100000 pixels; Zoetrope reads pictures of at most 16384 pixels a side/);
    // decodePicture refuses it before any decoder is asked (Node has no createImageBitmap: reaching it would be a ReferenceError).
    await expect(decodePicture(new Blob([bomb as Uint8Array<ArrayBuffer>]))).rejects.toThrow(ImageFormatError);
    await expect(decodePicture(new Blob([pngHeaderOnly(9000, 9000) as Uint8Array<ArrayBuffer>]))).rejects.toThrow(/megapixels/);
  });

  it('refuses a file over the size limit unread, and text that is no picture', async () => {
    // A sparse file: a real Blob of that size without 64 MB to write or copy.
    const big = join(dir, 'big.png');
    writeFileSync(big, pngHeaderOnly(40, 30));
    truncateSync(big, MAX_IMAGE_BYTES + 1);
    await expect(decodePicture(await openAsBlob(big))).rejects.toThrow(/at most 64 MB/);
    expect(() => readImageHeader(new TextEncoder().encode('this is a text file, not a picture\n'))).toThrow(ImageFormatError);
  });

  it.each(Object.keys(seeds))('fuzzed %s: a size within the limits or an ImageFormatError, quickly', (name) => {
    const { bytes: seed, structures } = seeds[name]!;
    fc.assert(
      fc.property(byteMutations(seed, structures), (mutations) => {
        const bytes = applyMutations(seed, mutations);
        const outcome = boundedParse(() => headerWithinLimits(bytes), isClear, bytes.length);
        if (outcome.ok) {
          const { width, height } = outcome.value!;
          expect(width >= 1 && height >= 1 && width <= MAX_IMAGE_SIDE && height <= MAX_IMAGE_SIDE && width * height <= MAX_IMAGE_PIXELS).toBe(true);
        }
      }),
      fuzzSettings(FUZZ_BUDGET_MS / 6),
    );
  }, FUZZ_TEST_TIMEOUT_MS);
});
