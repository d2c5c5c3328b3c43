import { describe, expect, it } from 'vitest';
import { PlaybackRing } from '../../../src/app/playback_ring.ts';

const frame = (id: number, closed: number[]) => ({ id, close: () => void closed.push(id) });

describe('PlaybackRing', () => {
  it('loops over the frames it has, picking up new ones as they come', () => {
    const ring = new PlaybackRing<ReturnType<typeof frame>>(10);
    const closed: number[] = [];
    expect(ring.next()).toBeNull();
    ring.push(frame(0, closed));
    ring.push(frame(1, closed));
    expect([ring.next()!.id, ring.next()!.id, ring.next()!.id]).toEqual([0, 1, 0]);
    ring.push(frame(2, closed));
    expect([ring.next()!.id, ring.next()!.id, ring.next()!.id]).toEqual([1, 2, 0]);
  });

  it('keeps only the newest frames and closes the ones it drops, and all on clear', () => {
    const closed: number[] = [];
    const ring = new PlaybackRing<ReturnType<typeof frame>>(3);
    for (let i = 0; i < 5; i++) ring.push(frame(i, closed));
    expect(ring.size).toBe(3);
    expect(closed).toEqual([0, 1]);
    expect([ring.next()!.id, ring.next()!.id, ring.next()!.id, ring.next()!.id]).toEqual([2, 3, 4, 2]);
    ring.clear();
    expect(closed).toEqual([0, 1, 2, 3, 4]);
    expect(ring.next()).toBeNull();
  });

  it('refuses a capacity below one', () => {
    expect(() => new PlaybackRing(0)).toThrow(RangeError);
  });
});
