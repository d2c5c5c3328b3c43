import { describe, expect, it } from 'vitest';
import { cutContinuity, meanAbsDifference } from '../../../src/video/cut_continuity.ts';

/** A 4-byte frame of one grey level. */
const grey = (level: number) => new Uint8Array(4).fill(level);

describe('cutContinuity', () => {
  it('compares the change across each cut with the changes inside the segments it joins', () => {
    // Segment 1 moves by 2 levels a frame, segment 2 by 4; the first cut steps 3, the second 40.
    const levels = [0, 2, 4, 7, 11, 15, 55, 59];
    const [first, second] = cutContinuity(levels.map(grey), [0, 3, 6]);
    expect(first).toEqual({ cut: 3, across: 3, within: (2 + 2 + 4 + 4) / 4, continuous: true });
    expect(second!.across).toBe(40);
    expect(second!.within).toBeCloseTo((4 + 4 + 4) / 3, 12);
    expect(second!.continuous).toBe(false);
  });

  it('refuses cuts outside the clip and frames of different sizes', () => {
    expect(() => cutContinuity([grey(0), grey(1)], [0, 2])).toThrow(/not inside a clip of 2 frames/);
    expect(() => meanAbsDifference(new Uint8Array(3), new Uint8Array(4))).toThrow(/cannot be compared/);
    expect(Number.isNaN(cutContinuity([grey(0), grey(9)], [0, 1])[0]!.within)).toBe(true);
  });
});
