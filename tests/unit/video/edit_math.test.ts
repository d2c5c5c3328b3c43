// The arithmetic of edits, in Node: a title's frames and fades, a crossfade's blend, the edited
// length; and the one edit check's messages (the browser tests run the real pipeline).
import { describe, expect, it } from 'vitest';
import { crossfadeFrame, editFrameCount } from '../../../src/video/edit.ts';
import { titleAlpha, titleFrames } from '../../../src/video/titles.ts';
import { cutProblems, storyboardParts, titleProblems } from '../../../src/worker/edit_check.mjs';

const title = { text: 'Hi', from: 0.25, to: 0.75, position: 'bottom', font: 'sans', size: 0.1, colour: '#ffffff', fade: 0 } as const;

describe('titles', () => {
  it('cover frames [round(from·fps), round(to·fps)), fading in and out over their fade, visible at both ends', () => {
    expect(titleFrames(title, 8)).toEqual([2, 6]);
    expect([1, 2, 5, 6].map((f) => titleAlpha(title, f, 8))).toEqual([0, 1, 1, 0]);
    const fading = { ...title, to: 1.5, fade: 0.25 }; // frames 2‥11, 2 frames of fade
    expect(Array.from({ length: 13 }, (_, f) => titleAlpha(fading, f, 8))).toEqual([0, 0, 1 / 3, 2 / 3, 1, 1, 1, 1, 1, 1, 2 / 3, 1 / 3, 0]);
  });

  it('are checked: length, markup, times, style', () => {
    expect(titleProblems([title], 1)).toEqual([]);
    expect(titleProblems([{ ...title, text: 'x'.repeat(10_000) }], 1)).toEqual(['Title 1 is too long (10000 characters; at most 200).']);
    expect(titleProblems([{ ...title, text: 'a <script>' }], 1)[0]).toMatch(/^Title 1 \("a <script>"\) contains markup or control characters/);
    expect(titleProblems([{ ...title, text: '  ' }], 1)).toEqual(['Title 1 is empty: type its text.']);
    expect(titleProblems([{ ...title, from: 2, to: 3 }], 1)).toEqual(['Title 1 starts at 2 s, after the clip (1 s) has ended.']);
    expect(titleProblems([{ ...title, font: 'comic', size: 2, colour: 'red', fade: -1, position: 'left' }], 1)).toHaveLength(5);
  });
});

describe('crossfades and trims', () => {
  it('blend (1 − t)·A + t·B with t = (k + 1)/(N + 1): the middle of an odd crossfade is the mean', () => {
    const [a, b] = [Uint8Array.of(0, 100, 255), Uint8Array.of(200, 100, 1)];
    expect(Array.from(crossfadeFrame(a, b, 1, 3))).toEqual([100, 100, 128]);
    expect(Array.from(crossfadeFrame(a, b, 0, 3))).toEqual([50, 100, 192]);
    expect(editFrameCount([4, 4], [3])).toBe(5);
  });

  it('are checked against the clips: a trim keeps a part, a crossfade fits the shorter side', () => {
    expect(cutProblems([1, 1], [{ start: 0, end: 0.5 }, { start: 0.5, end: 1 }], [{ kind: 'crossfade', seconds: 0.375 }])).toEqual([]);
    expect(cutProblems([1], [{ start: 0.5, end: 0.5 }], undefined)[0]).toMatch(/^Clip 1's trim must keep a part of its 1 s/);
    expect(cutProblems([1, 1], undefined, [{ kind: 'wipe' }])).toEqual(['Transition 1 must be a cut or a crossfade (got "wipe").']);
    expect(cutProblems([1, 0.25], undefined, [{ kind: 'crossfade', seconds: 0.5 }])[0]).toMatch(/at most 0.25 s/);
  });

  it('of a storyboard crossfaded: its segments inside the trim, each pair joined by the crossfade', () => {
    const fade = { kind: 'crossfade', seconds: 0.25 };
    expect(storyboardParts([0, 1, 2], { start: 0, end: 3 }, 0.25)).toEqual({
      parts: [{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 2, end: 3 }], transitions: [fade, fade],
    });
    // A trim that ends inside the second segment keeps two parts; one that ends at a start, too.
    expect(storyboardParts([0, 1, 2], { start: 0.5, end: 1.5 }, 0.25).parts).toEqual([{ start: 0.5, end: 1 }, { start: 1, end: 1.5 }]);
    expect(storyboardParts([0, 1, 2], { start: 0, end: 2 }, 0.25).parts).toEqual([{ start: 0, end: 1 }, { start: 1, end: 2 }]);
    // No crossfade, or no storyboard: the trim, whole.
    expect(storyboardParts([0, 1, 2], { start: 0, end: 3 }, undefined)).toEqual({ parts: [{ start: 0, end: 3 }], transitions: [] });
    expect(storyboardParts([0], { start: 0, end: 3 }, 0.25)).toEqual({ parts: [{ start: 0, end: 3 }], transitions: [] });
    // A bad length is passed on, for cutProblems to refuse in words.
    const { parts, transitions } = storyboardParts([0, 1], { start: 0, end: 2 }, 0);
    expect(cutProblems([2, 2], parts, transitions)[0]).toMatch(/^The crossfade between clips 1 and 2 must last more than 0 s/);
  });
});
