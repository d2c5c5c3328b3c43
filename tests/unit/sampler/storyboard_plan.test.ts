// A storyboard's window plan: no window crosses a cut, each window's context is the window
// before's last frames, and a segment's windows do not depend on the segments after it (what
// makes "same seed, one later segment changed or added" give the earlier segments again).
import { describe, expect, it } from 'vitest';
import { planClip, segmentStartFrames, type ClipPlan } from '../../../src/sampler/given_frames.ts';
import { segmentStartFrames as checkedStartFrames } from '../../../src/worker/storyboard.mjs';

const firstNewFrame = (w: ClipPlan['windows'][number]) => w.start + w.emitFrom;

/** Window w's segment: the one its new frames start in. */
const segmentOf = (starts: number[], frame: number) => starts.filter((s) => s <= frame).length - 1;

describe('a storyboard plan', () => {
  it('puts every window inside one segment, ends each segment on a window end, and keeps the chunk contract', () => {
    for (const [windowFrames, contextFrames] of [[2, 1], [4, 1], [5, 2], [8, 3]] as const) {
      for (let trial = 0; trial < 60; trial++) {
        // Random segments: the first at least one window, the rest at least one frame.
        const lengths = [windowFrames + (trial % 7), ...Array.from({ length: trial % 4 }, (_, k) => 1 + ((trial * 7 + k * 13) % 11))];
        const starts = lengths.map((_, k) => lengths.slice(0, k).reduce((a, b) => a + b, 0));
        const frames = lengths.reduce((a, b) => a + b, 0);
        const plan = planClip({ frames, windowFrames, contextFrames, segmentStarts: starts });
        const emitted = plan.windows.flatMap((w) => Array.from({ length: w.emitCount }, (_, i) => firstNewFrame(w) + i));
        expect(emitted).toEqual(Array.from({ length: frames }, (_, i) => i));
        const ends = [...starts.slice(1), frames];
        for (const [w, window] of plan.windows.entries()) {
          const segment = segmentOf(starts, firstNewFrame(window));
          // Its new frames stay in the segment; a window past the first ends within it.
          expect(firstNewFrame(window) + window.emitCount).toBeLessThanOrEqual(ends[segment]!);
          if (w > 0) {
            expect(window.start + windowFrames).toBeLessThanOrEqual(ends[segment]!);
            const previous = plan.windows[w - 1]!;
            // Context: the previous window's last frames, which it made in full.
            expect(window.start + window.context).toBe(previous.start + windowFrames);
            expect(window.context).toBeGreaterThanOrEqual(contextFrames);
            expect(window.context).toBeLessThan(windowFrames);
          }
        }
        // The last window of each segment ends exactly on the segment's last frame.
        for (const end of ends) expect(plan.windows.some((w) => firstNewFrame(w) + w.emitCount === end)).toBe(true);
      }
    }
  });

  it('plans the earlier segments the same whether a later segment is changed or added', () => {
    const base = planClip({ frames: 20, windowFrames: 4, contextFrames: 1, segmentStarts: [0, 7, 12] });
    const longer = planClip({ frames: 27, windowFrames: 4, contextFrames: 1, segmentStarts: [0, 7, 12, 20] });
    const retimedLast = planClip({ frames: 25, windowFrames: 4, contextFrames: 1, segmentStarts: [0, 7, 12] });
    const upTo12 = (plan: ClipPlan) => plan.windows.filter((w) => firstNewFrame(w) < 12);
    expect(upTo12(longer)).toEqual(upTo12(base));
    expect(upTo12(retimedLast)).toEqual(upTo12(base));
    // The whole base storyboard is planned the same inside the longer one.
    expect(longer.windows.slice(0, base.windows.length)).toEqual(base.windows);
  });

  it('on tiny-test (windows of 2, context 1): 0–1, 1–2, 2–3 s at 8 fps', () => {
    const plan = planClip({ frames: 24, windowFrames: 2, contextFrames: 1, segmentStarts: [0, 8, 16] });
    expect(plan.windows).toHaveLength(23);
    expect(plan.windows.map(firstNewFrame)).toEqual([0, ...Array.from({ length: 22 }, (_, i) => i + 2)]);
  });

  it('refuses segments the sampler cannot make: a first segment shorter than a window, an empty one, a lead', () => {
    expect(() => planClip({ frames: 10, windowFrames: 4, contextFrames: 1, segmentStarts: [0, 3] })).toThrow(/whole window \(4 frames\), not 3/);
    expect(() => planClip({ frames: 10, windowFrames: 4, contextFrames: 1, segmentStarts: [0, 5, 5] })).toThrow(/segment 2 .* has no frames/);
    expect(() => planClip({ frames: 10, windowFrames: 4, contextFrames: 1, segmentStarts: [0, 10] })).toThrow(/segment 2 .* has no frames/);
    expect(() => planClip({ frames: 10, windowFrames: 4, contextFrames: 1, lead: 1, segmentStarts: [0, 5] })).toThrow(/earlier clip/);
    // One segment shorter than a window is a short clip, as without a storyboard.
    expect(planClip({ frames: 3, windowFrames: 4, contextFrames: 1, segmentStarts: [0] }).windows).toHaveLength(1);
  });

  it('counts segment frames as the request check does', () => {
    for (const fps of [8, 12, 16, 24]) {
      const segments = [0, 0.3, 1.04, 2.5, 7.77].map((at) => ({ at }));
      expect(segmentStartFrames(segments, fps)).toEqual(checkedStartFrames(segments, fps));
    }
  });
});
