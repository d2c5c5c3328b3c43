// The frames a growing clip has so far, for the live preview to play on a loop while more arrive.
// Bounded: a 60 s clip would not fit in memory as bitmaps, so only the newest `capacity` frames
// are kept (the loop plays the latest part of the clip) and older ones are closed.

export interface Closable {
  close(): void;
}

export class PlaybackRing<T extends Closable> {
  private readonly frames: T[] = [];
  private cursor = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.frames.length;
  }

  push(frame: T): void {
    this.frames.push(frame);
    if (this.frames.length > this.capacity) {
      this.frames.shift()!.close();
      this.cursor = Math.max(0, this.cursor - 1);
    }
  }

  /** The next frame to show, looping over what there is; null when empty. */
  next(): T | null {
    if (this.frames.length === 0) return null;
    if (this.cursor >= this.frames.length) this.cursor = 0;
    return this.frames[this.cursor++]!;
  }

  clear(): void {
    for (const frame of this.frames) frame.close();
    this.frames.length = 0;
    this.cursor = 0;
  }
}
