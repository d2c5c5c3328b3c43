// What the page says when the history's storage was taken away while it was open.
import { describe, expect, it } from 'vitest';
import { historyLossMessage, lostEntries, missingVideoMessage } from '../../../src/app/history_loss.ts';
import type { HistoryEntry } from '../../../src/store/history.ts';

const entry = (id: string, title: string, version = 1) => ({ id, title, version }) as HistoryEntry;

describe('history loss', () => {
  it('finds the clips the re-read history no longer has', () => {
    const before = [entry('a', 'red ball'), entry('b', 'blue cube'), entry('c', 'green cone', 2)];
    expect(lostEntries(before, [entry('b', 'blue cube')]).map((e) => e.id)).toEqual(['a', 'c']);
    expect(lostEntries(before, before)).toEqual([]);
  });

  it('names up to three lost clips and counts the rest; says nothing when nothing was lost', () => {
    expect(historyLossMessage([])).toBeNull();
    expect(historyLossMessage([entry('a', 'red ball')])).toBe(
      'This site’s stored data was cleared while Zoetrope was open: 1 clip in the history is gone (“red ball” v1). New clips are saved as before.',
    );
    const five = ['a', 'b', 'c', 'd', 'e'].map((id) => entry(id, `clip ${id}`));
    expect(historyLossMessage(five)).toContain('5 clips in the history are gone (“clip a” v1, “clip b” v1, “clip c” v1 and 2 more)');
  });

  it('says why a clip left the history when its video is gone', () => {
    expect(missingVideoMessage(entry('a', 'red ball', 3))).toMatch(/^“red ball” v3 is no longer stored in this browser/);
  });
});
