// What the history records about clips made from more than a prompt (src/store/history.ts).
import { describe, expect, it } from 'vitest';
import { clipSeconds, makeEntry, MAX_TITLE_CHARS, originMark, stitchNote, stitchTitle, type HistoryEntry } from '../../../src/store/history.ts';

const settings = { prompt: 'a red ball bounces', durationSeconds: 1, aspect: '16:9' as const, shortSide: 64, style: 'none', seed: 7, steps: 1, guidance: null };
const clip = { width: 112, height: 64, fps: 8, frameCount: 8, codec: 'avc1.42001f', elapsedMs: 1000 };
const base = { createdAt: 1, settings, model: { name: 'tiny-test', version: '1' }, clip, mp4Bytes: 100, thumbnail: null };

describe('clip origins in the history', () => {
  it('records an extension as the next version of the clip it extends, marked with the seconds added', () => {
    const v1 = makeEntry({ ...base, id: 'a', parent: null }, []);
    expect(v1.origin).toBeUndefined(); // a plain clip stays as older entries were
    const v2 = makeEntry({ ...base, id: 'b', parent: v1, origin: { kind: 'extend', addedSeconds: 2, earlierFrames: 8 }, clip: { ...clip, frameCount: 24 } }, [v1]);
    expect(v2).toMatchObject({ rootId: 'a', parentId: 'a', version: 2, title: 'a red ball bounces' });
    expect(originMark(v2.origin)).toBe('extended +2 s');
    expect(clipSeconds(v2.clip)).toBe(3);
  });

  it('marks clips made from pictures and stitches', () => {
    expect(originMark(undefined)).toBeNull();
    expect(originMark({ kind: 'prompt' })).toBeNull();
    expect(originMark({ kind: 'picture', start: true, end: false })).toBe('from a picture');
    expect(originMark({ kind: 'picture', start: true, end: true })).toBe('between two pictures');
    expect(originMark({ kind: 'picture', start: false, end: true })).toBe('ends on a picture');
    expect(originMark({ kind: 'stitch', sources: [], reencoded: true })).toBe('stitched from 0 clips, re-encoded');
  });

  it('titles and notes a stitch from its sources, in order, within the limits', () => {
    const sources = [
      { id: 'a', title: 'a red ball', version: 1, frameCount: 8 },
      { id: 'b', title: 'a blue ball', version: 3, frameCount: 16 },
    ];
    expect(stitchTitle(sources)).toBe('Stitched: a red ball + a blue ball');
    expect(stitchNote(sources, false)).toBe('Stitched from “a red ball” v1 (8 frames), then “a blue ball” v3 (16 frames). Copied as they are, without re-encoding.');
    expect(stitchNote(sources, true)).toContain('decoded and encoded again');
    const long = stitchTitle(Array.from({ length: 5 }, (_, i) => ({ title: `a long clip title number ${i}` })));
    expect(long.length).toBe(MAX_TITLE_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });

  it('keeps an older entry without an origin readable', () => {
    const old: HistoryEntry = { ...base, id: 'x', title: 't', note: '', rootId: 'x', parentId: null, version: 1 };
    expect(originMark(old.origin)).toBeNull();
  });
});
