import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  extensionOf,
  extensionProblem,
  pictureThumbnail,
  picturesMode,
  picturesOrigin,
  requestWithPictures,
} from '../../../src/app/given_media.ts';
import { requestLimits } from '../../../src/worker/request_check.mjs';
import { shareBlocker } from '../../../src/app/share_link.ts';
import { stitchedHow } from '../../../src/app/shown_clip.ts';
import type { ClipSettings } from '../../../src/store/history.ts';

const settings: ClipSettings = { prompt: 'a red ball bounces', durationSeconds: 2, aspect: '16:9', shortSide: 64, style: 'pixel art', seed: 7, steps: 2, guidance: null };

describe('pictures to start from', () => {
  const picture = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' });
  const other = new Blob([new Uint8Array([4])], { type: 'image/png' });

  it('sends the start picture as image and the end picture as endImage, with the usual request', () => {
    expect(requestWithPictures(settings, { start: null, end: null })).toEqual({ prompt: 'a red ball bounces, pixel art', seed: 7, durationSeconds: 2, aspect: '16:9', shortSide: 64, steps: 2 });
    const both = requestWithPictures(settings, { start: picture, end: other });
    expect(both.image).toBe(picture);
    expect(both.endImage).toBe(other);
    expect('endImage' in requestWithPictures(settings, { start: picture, end: null })).toBe(false);
  });

  it('names what the pictures make and records it', () => {
    expect(picturesMode({ start: picture, end: null })).toMatch(/^Image-to-video/);
    expect(picturesMode({ start: picture, end: other })).toMatch(/^In-betweening/);
    expect(picturesMode({ start: null, end: other })).toMatch(/ends on this picture/);
    expect(picturesOrigin({ start: null, end: null })).toEqual({ kind: 'prompt' });
    expect(picturesOrigin({ start: picture, end: other })).toEqual({ kind: 'picture', start: true, end: true });
  });

  it('crops the thumbnail as the clip will: the centre of a square for a 16:9 frame, at the frame\'s shape', () => {
    const { crop, width, height } = pictureThumbnail({ width: 300, height: 300 }, { width: 112, height: 64 });
    expect({ width, height }).toEqual({ width: 112, height: 64 });
    expect(crop.width).toBeCloseTo(300, 6);
    expect(crop.height).toBeCloseTo((300 * 64) / 112, 6);
    expect(crop.y).toBeCloseTo((300 - (300 * 64) / 112) / 2, 6);
    // A big portrait picture for a 9:16 frame: scaled down to a thumbnail of 160 px at most.
    expect(pictureThumbnail({ width: 1000, height: 4000 }, { width: 720, height: 1280 })).toMatchObject({ width: 90, height: 160 });
  });
});

describe('extending a clip', () => {
  const mp4 = new Blob([new Uint8Array(10)], { type: 'video/mp4' });

  it('keeps the clip\'s prompt and settings, takes the new part\'s length and the chosen seed, gives the MP4', () => {
    const { settings: used, request } = extensionOf({ settings, mp4 }, 3, 99);
    expect(used).toEqual({ ...settings, durationSeconds: 3, seed: 99 });
    expect(request).toMatchObject({ prompt: 'a red ball bounces, pixel art', durationSeconds: 3, seed: 99, aspect: '16:9', shortSide: 64, steps: 2 });
    expect(request.extend).toBe(mp4);
    expect(request.image).toBeUndefined();
  });

  it('is checked like any request: one frame to 60 s added, a seed in range', () => {
    const tiny = requestLimits(JSON.parse(readFileSync('models/configs/tiny-test.json', 'utf8')));
    const problem = (seconds: number, seed: number) => extensionProblem(extensionOf({ settings, mp4 }, seconds, seed), tiny);
    for (const seconds of [1 / 8, 1, 1.5, 60]) expect(problem(seconds, 0)).toBeNull();
    for (const seconds of [0, 0.1, 61, Number.NaN]) expect(problem(seconds, 0)).toMatch(/^The seconds to add must be a number of seconds from 1\/8 .* to 60 \(got /);
    expect(problem(1, 2 ** 32 - 1)).toBeNull();
    expect(problem(1, 2 ** 32)).toBe('The seed must be a whole number from 0 to 4294967295 (got 4294967296).');
    expect(problem(1, -1)).toMatch(/^The seed must be a whole number/);
  });
});

describe('what a share link cannot carry', () => {
  it('blocks links for clips made from pictures, extensions and stitches, with the reason', () => {
    expect(shareBlocker(undefined)).toBeNull();
    expect(shareBlocker({ kind: 'prompt' })).toBeNull();
    expect(shareBlocker({ kind: 'picture', start: true, end: false })).toContain('This clip started from a picture, which a link cannot carry');
    expect(shareBlocker({ kind: 'picture', start: true, end: true })).toContain('two pictures');
    expect(shareBlocker({ kind: 'extend', addedSeconds: 1, earlierFrames: 8 })).toContain('continues an earlier clip');
    expect(shareBlocker({ kind: 'stitch', sources: [], reencoded: false })).toContain('joins several clips');
  });

  it('says whether a stitch copied or re-encoded', () => {
    expect(stitchedHow({ kind: 'stitch', sources: [], reencoded: false })).toContain('without re-encoding');
    expect(stitchedHow({ kind: 'stitch', sources: [], reencoded: true })).toContain('re-encoded');
    expect(stitchedHow({ kind: 'prompt' })).toBeNull();
  });
});
