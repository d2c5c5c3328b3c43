import { describe, expect, it } from 'vitest';
import {
  ancestry, cleanNote, cleanTitle, defaultTitle, downloadName, historyBytes, lineageFor, makeEntry, newestFirst,
  MAX_NOTE_CHARS, type ClipSettings, type HistoryEntry,
} from '../../../src/store/history.ts';

const settings: ClipSettings = { prompt: 'a red ball bounces', durationSeconds: 1, aspect: '16:9', shortSide: 64, style: 'none', seed: 5, steps: 4, guidance: null };
const clip = { width: 112, height: 64, fps: 8, frameCount: 8, codec: 'avc1.42001f', elapsedMs: 900 };

let clock = 1000;
function entry(id: string, parent: HistoryEntry | null, all: HistoryEntry[], prompt = settings.prompt): HistoryEntry {
  const made = makeEntry(
    { id, createdAt: clock++, settings: { ...settings, prompt }, model: { name: 'tiny-test', version: '1' }, clip, mp4Bytes: 1000, thumbnail: null, parent },
    all,
  );
  all.push(made);
  return made;
}

describe('history lineage', () => {
  it('starts a family with v1 and makes each remix the family\'s next version, linked to its parent', () => {
    const all: HistoryEntry[] = [];
    const v1 = entry('a', null, all);
    const v2 = entry('b', v1, all);
    const v3 = entry('c', v2, all);
    expect([v1, v2, v3].map((e) => [e.version, e.parentId, e.rootId])).toEqual([[1, null, 'a'], [2, 'a', 'a'], [3, 'b', 'a']]);
    expect(ancestry(v3, all).map((e) => e.version)).toEqual([1, 2, 3]);
    expect(v2.title).toBe(v1.title); // a remix keeps its family's name; the version tells them apart
  });

  it('never repeats a version when one clip is remixed twice, and keeps families apart', () => {
    const all: HistoryEntry[] = [];
    const v1 = entry('a', null, all);
    entry('b', v1, all);
    const again = entry('c', v1, all);
    const other = entry('d', null, all, 'a blue cube');
    expect(again).toMatchObject({ version: 3, parentId: 'a' });
    expect(ancestry(again, all).map((e) => e.version)).toEqual([1, 3]);
    expect(lineageFor('e', other, all)).toEqual({ rootId: 'd', parentId: 'd', version: 2 });
  });

  it('skips deleted ancestors and survives a cycle in stored data', () => {
    const all: HistoryEntry[] = [];
    const v1 = entry('a', null, all);
    const v2 = entry('b', v1, all);
    const v3 = entry('c', v2, all);
    expect(ancestry(v3, all.filter((e) => e.id !== 'b')).map((e) => e.version)).toEqual([3]);
    const looped = [{ ...v1, parentId: 'c' }, v2, v3];
    expect(ancestry(v3, looped).map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('history entries', () => {
  it('list newest first and count their MP4 and thumbnail bytes', () => {
    const all: HistoryEntry[] = [];
    entry('a', null, all);
    entry('b', null, all);
    expect(newestFirst(all).map((e) => e.id)).toEqual(['b', 'a']);
    const withThumb = { ...all[0]!, thumbnail: new Blob([new Uint8Array(234)]) };
    expect(historyBytes([withThumb, all[1]!])).toBe(2234);
  });

  it('get a title from the prompt; renames and notes are cleaned to their limits', () => {
    expect(defaultTitle('  a red   ball ')).toBe('a red ball');
    expect(defaultTitle('')).toBe('Untitled clip');
    expect(defaultTitle('a red ball bounces slowly across a dark background and a small star')).toBe('a red ball bounces slowly across a dark…');
    expect(cleanTitle('   ', 'a red ball')).toBe('a red ball');
    expect(cleanTitle(' My  clip ', 'x')).toBe('My clip');
    expect(cleanTitle('x'.repeat(200), 'x')).toHaveLength(80);
    expect(cleanNote('n'.repeat(MAX_NOTE_CHARS + 5))).toHaveLength(MAX_NOTE_CHARS);
  });

  it('download under a safe file name with version and seed', () => {
    expect(downloadName({ title: 'A <red> ball/../x', version: 2, settings })).toBe('zoetrope-a-red-ball-x-v2-seed5.mp4');
    expect(downloadName({ title: '漢字', version: 1, settings })).toBe('zoetrope-clip-v1-seed5.mp4');
  });
});
