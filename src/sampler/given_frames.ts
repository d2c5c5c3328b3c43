// Which latent frames of each window are given, and which frames each window adds to the clip:
// the plan behind text-to-video, image-to-video, extension and in-betweening, which differ only
// in the frames they give (DESIGN: "some latent frames given clean, the rest generated").
//
// Positions are in latent frames (temporal factor 1: one latent frame per video frame). The clip
// makes `frames` new frames at clip positions 0‥frames−1. Window 0 starts at −lead: an extension
// gives the earlier clip's last `lead` frames there (they are not output again). Each later window
// starts `context` frames before the previous one ended and is given those frames (the chunk
// contract). Given from the request:
//   start image  → clip position 0 (window 0);
//   end image    → clip position frames−1, the last window's last frame: the last window is moved
//                  back so that it ends exactly there (taking more context from the window before),
//                  instead of running past the end and being cut to length. A clip shorter than
//                  one window gives it inside window 0; that window's frames after it are dropped.
// A storyboard (segmentStarts) adds one rule: no window crosses from one segment into the next.
// Every later window that would run past its segment's last frame is moved back to end exactly
// there, as the end image's window is, taking more context from the window before; the next
// segment's first window then starts `context` frames before the cut. So a segment's frames
// depend only on the segments before it and itself: changing or adding a later segment leaves
// the earlier ones as they were (with the same seed). Window 0 must fit in the first segment.
// Pure TypeScript, unit-tested in Node.

/** Where a given frame's latent comes from. */
export type GivenSource =
  /** The i-th of the `lead` frames kept from the clip being extended (oldest first). */
  | { kind: 'lead'; index: number }
  | { kind: 'start' }
  | { kind: 'end' };

export interface PlannedWindow {
  /** Clip position of the window's first frame (negative in window 0 of an extension). */
  start: number;
  /** The previous window's last frames given as this window's first (0 in window 0). */
  context: number;
  /** Window positions given from the request (lead frames, start and end image). */
  given: { position: number; source: GivenSource }[];
  /** Window positions [emitFrom, emitFrom + emitCount) are new frames of the clip, in order. */
  emitFrom: number;
  emitCount: number;
}

export interface ClipPlan {
  /** New frames the clip makes. */
  frames: number;
  windows: PlannedWindow[];
}

export interface PlanRequest {
  /** New frames to make (≥ 1). */
  frames: number;
  /** chunk.latent_frames and chunk.context_latent_frames. */
  windowFrames: number;
  contextFrames: number;
  /** Frames of an earlier clip given at the start of window 0 (extension); 0 otherwise. */
  lead?: number;
  startImage?: boolean;
  endImage?: boolean;
  /**
   * A storyboard's segments: the clip position of each segment's first frame, ascending, from 0.
   * Every segment's windows end on its last frame (the clip's last segment too).
   */
  segmentStarts?: readonly number[];
}

export function planClip({ frames, windowFrames, contextFrames, lead = 0, startImage = false, endImage = false, segmentStarts }: PlanRequest): ClipPlan {
  if (!(Number.isInteger(frames) && frames >= 1)) throw new RangeError(`a clip makes at least one frame (got ${frames})`);
  if (!(contextFrames >= 0 && contextFrames < windowFrames)) throw new RangeError('the chunk contract needs 0 ≤ context < window frames');
  if (!(lead >= 0 && lead < windowFrames)) throw new RangeError(`${lead} lead frames leave no room in a window of ${windowFrames}`);
  if (lead > 0 && startImage) throw new RangeError('a clip starts either from an image or from an earlier clip, not both');
  if (startImage && endImage && frames < 2) throw new RangeError('a start and an end image need a clip of at least two frames');
  const segmentEnds = segmentStarts ? segmentEndsOf(segmentStarts, frames, windowFrames, lead) : [frames];

  const windows: PlannedWindow[] = [];
  let start = 0 - lead; // not −0 when lead is 0
  let covered = 0; // clip positions [0, covered) are planned already
  for (let w = 0; covered < frames; w++) {
    let context = 0;
    const segmentEnd = segmentEnds.find((end) => end > covered)!;
    if (w > 0) {
      start = covered - contextFrames;
      // The last window ends on the end image, a storyboard's window on its segment's last
      // frame: moved back, with more context.
      const alignedEnd = segmentStarts ? segmentEnd : endImage ? frames : null;
      if (alignedEnd !== null && start + windowFrames >= alignedEnd) start = alignedEnd - windowFrames;
      context = covered - start;
    }
    const end = Math.min(start + windowFrames, segmentEnd);
    const given: PlannedWindow['given'] = [];
    if (w === 0) {
      for (let i = 0; i < lead; i++) given.push({ position: i, source: { kind: 'lead', index: i } });
      if (startImage) given.push({ position: lead, source: { kind: 'start' } });
    }
    if (endImage && end === frames) given.push({ position: frames - 1 - start, source: { kind: 'end' } });
    windows.push({ start, context, given, emitFrom: covered - start, emitCount: end - covered });
    covered = end;
  }
  return { frames, windows };
}

/**
 * The first clip frame of each storyboard segment: round(at · fps), as the clip's own length is
 * round(seconds · fps). The request check (worker/storyboard.mjs) counts frames the same way.
 */
export function segmentStartFrames(segments: readonly { at: number }[], fps: number): number[] {
  return segments.map((s) => Math.round(s.at * fps));
}

/** Where each segment ends (its next one's start, the clip's end last), after checking the starts. */
function segmentEndsOf(starts: readonly number[], frames: number, windowFrames: number, lead: number): number[] {
  if (lead > 0) throw new RangeError('a storyboard does not continue an earlier clip');
  if (starts[0] !== 0) throw new RangeError(`a storyboard's first segment starts at frame 0 (got ${starts[0]})`);
  const ends = [...starts.slice(1), frames];
  starts.forEach((start, k) => {
    if (!(Number.isInteger(start) && ends[k]! > start)) throw new RangeError(`storyboard segment ${k + 1} (frames ${start}‥${ends[k]}) has no frames`);
  });
  if (ends.length > 1 && ends[0]! < windowFrames) throw new RangeError(`a storyboard's first segment needs a whole window (${windowFrames} frames), not ${ends[0]}`);
  return ends;
}

/** The (F, H, W) mask of a window of `frames` latent frames: 1 on the context and the given positions. */
export function givenMask(frames: number, plane: number, context: number, positions: readonly number[]): Float32Array<ArrayBuffer> {
  const mask = new Float32Array(frames * plane);
  mask.fill(1, 0, Math.min(context, frames) * plane);
  for (const f of positions) {
    if (!(f >= 0 && f < frames)) throw new RangeError(`given frame ${f} is outside a window of ${frames}`);
    mask.fill(1, f * plane, (f + 1) * plane);
  }
  return mask;
}

/** A latent frame given at a window position: (C, H, W) f32. */
export interface GivenFrame {
  position: number;
  latent: Float32Array<ArrayBuffer>;
}

/** Gives `frames` in a CPU window's given latents (cpu_window.ts): values in cleanMasked, 1 in the mask. */
export function addGivenFrames(given: { cleanMasked: Float32Array; mask: Float32Array }, shape: readonly [number, number, number, number], frames: readonly GivenFrame[]): void {
  placeGivenFrames(given.cleanMasked, shape, frames);
  const plane = shape[2] * shape[3];
  for (const { position } of frames) given.mask.fill(1, position * plane, (position + 1) * plane);
}

/** Writes each given frame into `cleanMasked` (C, F, H, W) at its position, channel by channel. */
export function placeGivenFrames(cleanMasked: Float32Array, shape: readonly [number, number, number, number], given: readonly GivenFrame[]): void {
  const [channels, frames, height, width] = shape;
  const plane = height * width;
  for (const { position, latent } of given) {
    if (!(position >= 0 && position < frames)) throw new RangeError(`given frame ${position} is outside a window of ${frames}`);
    if (latent.length !== channels * plane) throw new RangeError(`a given latent frame has ${latent.length} values, not ${channels}×${height}×${width}`);
    // (C, F, H, W): channel c of frame f starts at (c·F + f)·plane.
    for (let c = 0; c < channels; c++) cleanMasked.set(latent.subarray(c * plane, (c + 1) * plane), (c * frames + position) * plane);
  }
}
