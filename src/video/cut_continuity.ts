// How continuous a storyboard's cuts are: the mean absolute change of the pixels from the last
// frame of a segment to the first of the next, beside the mean change between consecutive frames
// inside the two segments it joins. A cut that carries the scene across (the next segment's
// window is given the frames before the cut as context) changes no more than the motion inside
// a segment does; a cut that starts a new scene changes far more.
//
// Frames are any packed 8-bit pixels of one size (RGB or RGBA, as decoded); the measure is in
// levels (0‥255), averaged over every byte.

export interface CutMeasure {
  /** Clip frame where the next segment starts. */
  cut: number;
  /** Mean |Δ| between frames cut − 1 and cut. */
  across: number;
  /** Mean |Δ| between consecutive frames inside the segments before and after the cut (NaN when they have one frame each). */
  within: number;
  /** across ≤ within. */
  continuous: boolean;
}

/** Mean |a − b| over every byte. */
export function meanAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`frames of ${a.length} and ${b.length} bytes cannot be compared`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/**
 * Each cut's measure. `segmentStarts`: the first frame of each segment, from 0, ascending (as
 * the clip's provenance gives them in seconds, times the frame rate).
 */
export function cutContinuity(frames: readonly ArrayLike<number>[], segmentStarts: readonly number[]): CutMeasure[] {
  const ends = [...segmentStarts.slice(1), frames.length];
  /** Consecutive-frame changes inside segment k. */
  const changesIn = (k: number) => {
    const changes: number[] = [];
    for (let i = segmentStarts[k]! + 1; i < ends[k]!; i++) changes.push(meanAbsDifference(frames[i - 1]!, frames[i]!));
    return changes;
  };
  return segmentStarts.slice(1).map((cut, k) => {
    if (!(cut > 0 && cut < frames.length)) throw new RangeError(`a cut at frame ${cut} is not inside a clip of ${frames.length} frames`);
    const changes = [...changesIn(k), ...changesIn(k + 1)];
    const within = changes.length === 0 ? Number.NaN : changes.reduce((a, b) => a + b, 0) / changes.length;
    const across = meanAbsDifference(frames[cut - 1]!, frames[cut]!);
    return { cut, across, within, continuous: across <= within };
  });
}
