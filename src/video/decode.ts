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
}

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
  const frames: VideoFrame[] = [];
  let failure: Error | null = null;
  const decoder = new VideoDecoder({
    output: (frame) => frames.push(frame),
    error: (error) => (failure = error),
  });
  try {
    decoder.configure(track.config);
    const chunks = encodedChunks(bytes, track);
    for (const i of picked) decoder.decode(chunks[i]!);
    await decoder.flush();
    if (failure) throw failure;
    frames.sort((a, b) => a.timestamp - b.timestamp);
    for (const [i, frame] of frames.entries()) {
      frames[i] = null as unknown as VideoFrame; // handed over: the callback owns it now
      await onFrame(frame, picked[i]!);
    }
  } finally {
    for (const frame of frames) frame?.close();
    if (decoder.state !== 'closed') decoder.close();
  }
  return { track, fps: trackFps(track) };
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
