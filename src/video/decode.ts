// An MP4's frames back as RGBA, through WebCodecs' VideoDecoder: for extending a clip (its last
// frames become the given frames of the next window) and for stitching clips that cannot be
// re-muxed as they are. Works in a worker (OffscreenCanvas, no DOM).
import { demuxVideoTrack, encodedChunks, type DemuxedTrack } from './demux.ts';

export interface RgbaFrame {
  rgba: Uint8Array<ArrayBuffer>;
  width: number;
  height: number;
  /** Presentation time in microseconds. */
  timestamp: number;
}

export interface DecodedClip {
  track: DemuxedTrack;
  /** Frames per second, from the samples' mean duration. */
  fps: number;
  /** The most decoded frames waiting to be handed over at once: a handful, however long the clip. */
  mostFramesHeld: number;
}

/** Chunks queued in the decoder before feeding it waits for it to take one. */
const MAX_CHUNKS_IN_FLIGHT = 4;

/** Frames per second of a track (its samples' mean duration). */
export function trackFps(track: DemuxedTrack): number {
  const total = track.samples.reduce((sum, s) => sum + s.duration, 0);
  return total > 0 ? (track.samples.length * track.timescale) / total : 0;
}

/**
 * Decodes every frame of `bytes` in presentation order and hands each to `onFrame` (which must
 * close it) with its sample index. Resolves when all frames have been handed over.
 *
 * `only`, when given, picks the samples to decode: whole groups of pictures, each from its
 * keyframe, of a track whose samples are in presentation order (no B-frames), so every frame
 * decoded has what it refers to and the i-th frame out is the i-th sample picked.
 */
export async function decodeFrames(
  bytes: Uint8Array<ArrayBuffer>,
  onFrame: (frame: VideoFrame, index: number) => void | Promise<void>,
  only?: (sampleIndex: number) => boolean,
): Promise<DecodedClip> {
  const track = demuxVideoTrack(bytes);
  const picked = track.samples.flatMap((_, i) => (only === undefined || only(i) ? [i] : []));
  const support = await VideoDecoder.isConfigSupported(track.config);
  if (!support.supported) throw new Error(`this browser cannot decode ${track.config.codec} video`);
  // Frames are handed over as they come out (in presentation order, as WebCodecs emits them), with
  // a few chunks in flight: a long clip never has more than a handful of frames held at once.
  // (Decoders draw frames from finite pools, and the spec lets them wait for frames to be closed;
  // no hardware decoder was available here to see one do it.)
  const ready: VideoFrame[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const event = () => new Promise<void>((resolve) => (wake = resolve));
  const decoder = new VideoDecoder({
    output: (frame) => {
      ready.push(frame);
      wake?.();
    },
    error: (error) => {
      failure = error;
      wake?.();
    },
  });
  decoder.addEventListener('dequeue', () => wake?.());
  let handed = 0;
  let mostFramesHeld = 0;
  const handOver = async () => {
    while (ready.length > 0) {
      // Counted before each hand-over: frames keep arriving while the callback runs.
      mostFramesHeld = Math.max(mostFramesHeld, ready.length);
      const frame = ready.shift()!; // the callback owns it now
      await onFrame(frame, picked[handed++]!);
    }
    if (failure) throw failure;
  };
  try {
    decoder.configure(track.config);
    const chunks = encodedChunks(bytes, track);
    for (const i of picked) {
      if (failure) throw failure;
      decoder.decode(chunks[i]!);
      await handOver();
      while (decoder.decodeQueueSize > MAX_CHUNKS_IN_FLIGHT && !failure) {
        await event();
        await handOver();
      }
    }
    if (failure) throw failure;
    await decoder.flush().catch((error: unknown) => {
      throw failure ?? error; // a decoding error closes the decoder, which rejects the flush
    });
    await handOver();
    if (handed !== picked.length) throw new Error(`the decoder gave ${handed} of ${picked.length} frames`);
  } finally {
    for (const frame of ready) frame.close();
    if (decoder.state !== 'closed') decoder.close();
  }
  return { track, fps: trackFps(track), mostFramesHeld };
}

/** A frame's pixels as RGBA at `width`×`height` (scaled if its size differs). */
export function frameToRgba(frame: VideoFrame, width = frame.displayWidth, height = frame.displayHeight): RgbaFrame {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D canvas context to read frames with');
  context.drawImage(frame, 0, 0, width, height);
  const rgba = new Uint8Array(context.getImageData(0, 0, width, height).data.buffer) as Uint8Array<ArrayBuffer>;
  return { rgba, width, height, timestamp: frame.timestamp };
}

/** The last `count` frames of an MP4 as RGBA (all of them if it has fewer). */
export async function lastFrames(bytes: Uint8Array<ArrayBuffer>, count: number): Promise<{ frames: RgbaFrame[]; fps: number }> {
  const kept: RgbaFrame[] = [];
  const total = demuxVideoTrack(bytes).samples.length;
  const { fps } = await decodeFrames(bytes, (frame, i) => {
    try {
      if (i >= total - count) kept.push(frameToRgba(frame));
    } finally {
      frame.close();
    }
  });
  return { frames: kept, fps };
}
