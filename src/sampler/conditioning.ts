// A request's given media → the frames the sampler keeps as they are:
//   image     the clip's first frame (image-to-video)
//   endImage  the clip's last frame (with image: in-betweening; alone: a clip that ends on it)
//   extend    an earlier clip, which the new frames continue: its last context frames are given
//             at the start of window 0 (as a later window's context is), and the returned MP4 is
//             its frames followed by the new ones (decoded and encoded again into the new file,
//             so the file has one encoder configuration throughout).
// The worker reads and decodes the files before they get here (worker/given_media.ts): this side
// sees RGBA frames at the clip's size, encodes the pictures with the VAE encoder, once per clip,
// before the first window, and places them where given_frames.ts plans.
//
// What the model cannot do with the media (start from it without a VAE encoder, go between two
// pictures in one frame) is refused here before any file is read, and a bad file fails when it is
// read: both before any model work.
import { throwIfCancelled } from '../errors/cancelled.ts';
import { EngineError } from '../errors/engine_error.ts';
import type { ModelConfig } from '../model/config.ts';
import type { FrameEncoder } from '../model/vae_encoder.ts';
import { planClip, type ClipPlan, type GivenFrame, type GivenSource } from './given_frames.ts';

/** The frames given media must become: the bucket's size, the model's frame rate, and the model (to name in messages). */
export interface ClipFormat {
  config: ModelConfig;
  width: number;
  height: number;
  fps: number;
}

/** A request's given pictures and clip, as the worker hands them over (worker/given_media.ts). */
export interface GivenMedia {
  /** What is given, known before anything is read. */
  startImage: boolean;
  endImage: boolean;
  extend: boolean;
  /** Reads and checks every given file for `format`; a bad file fails here. */
  read(format: ClipFormat): Promise<DecodedMedia>;
}

export interface DecodedMedia {
  /** The pictures as RGBA8 at the clip's size; null when not given. */
  start: Uint8Array<ArrayBuffer> | null;
  end: Uint8Array<ArrayBuffer> | null;
  earlier: EarlierClip | null;
}

/** The clip being extended: its frame count is known at once, its frames are decoded when asked for. */
export interface EarlierClip {
  frameCount: number;
  /**
   * Hands every frame, in order, as RGBA8 at the clip's size, to `onFrame`, waiting for each;
   * rejects with what onFrame threw, or with a bad-request when the video data is damaged.
   */
  decode(onFrame: (rgba: Uint8Array<ArrayBuffer>, index: number) => Promise<void>): Promise<void>;
}

export interface ConditioningSetting extends ClipFormat {
  /** New frames the clip makes: round(durationSeconds · fps). */
  frames: number;
  /** The backend's VAE encoder; needed only when media is given. */
  encoder: FrameEncoder | undefined;
  /** A storyboard's segments: the clip frame each starts at (given_frames.ts). */
  segmentStarts?: readonly number[];
}

export interface Conditioning {
  plan: ClipPlan;
  /** Frames of the extended clip at the start of the output (0 unless extending). */
  earlierFrames: number;
  /**
   * Hands the extended clip's frames to `emit` in order (they start the output), then encodes
   * the given pictures. Once, before the first window.
   */
  prepare(emit: (rgba: Uint8Array<ArrayBuffer>) => Promise<void>, signal: AbortSignal): Promise<void>;
  /** The given latent frames of window `w` (after prepare). */
  givenFrames(w: number): GivenFrame[];
}

export async function openConditioning(media: GivenMedia, setting: ConditioningSetting): Promise<Conditioning> {
  const { config, width, height, frames, encoder, segmentStarts } = setting;
  const chunk = config.chunk;
  if (!media.startImage && !media.endImage && !media.extend) {
    const plan = planClip({ frames, windowFrames: chunk.latent_frames, contextFrames: chunk.context_latent_frames, ...(segmentStarts && { segmentStarts }) });
    return { plan, earlierFrames: 0, prepare: async () => undefined, givenFrames: () => [] };
  }
  if (!encoder) throw new EngineError('model-unsupported', `${config.name} has no VAE encoder (vae_encoder.onnx), which starting from an image or a clip needs.`);
  if (media.startImage && media.endImage && frames < 2) {
    throw new EngineError('bad-request', `A clip between two images needs at least two frames: make it at least ${(2 / setting.fps).toFixed(2)} s long.`);
  }
  // Read everything first, so a bad file fails before any model work.
  const { start, end, earlier } = await media.read(setting);
  const earlierFrames = earlier?.frameCount ?? 0;
  const lead = Math.min(chunk.context_latent_frames, earlierFrames);
  const plan = planClip({
    frames, windowFrames: chunk.latent_frames, contextFrames: chunk.context_latent_frames,
    lead, startImage: start !== null, endImage: end !== null, ...(segmentStarts && { segmentStarts }),
  });

  const latents = new Map<string, Float32Array<ArrayBuffer>>();
  const keyOf = (source: GivenSource) => (source.kind === 'lead' ? `lead ${source.index}` : source.kind);
  return {
    plan,
    earlierFrames,
    async prepare(emit, signal) {
      const kept: Uint8Array<ArrayBuffer>[] = [];
      await earlier?.decode(async (rgba, i) => {
        if (i >= earlierFrames - lead) kept.push(rgba);
        throwIfCancelled(signal);
        await emit(rgba);
      });
      // One batch through the encoder: start, end, then the lead frames, oldest first.
      const pictures: [string, Uint8Array][] = [];
      if (start) pictures.push(['start', start]);
      if (end) pictures.push(['end', end]);
      kept.forEach((rgba, i) => pictures.push([`lead ${i}`, rgba]));
      throwIfCancelled(signal);
      const data = await encoder.encode(pictures.map(([, rgba]) => rgba), width, height); // (N, C, h, w)
      const perFrame = data.length / pictures.length;
      pictures.forEach(([key], n) => latents.set(key, data.subarray(n * perFrame, (n + 1) * perFrame)));
    },
    givenFrames(w) {
      return (plan.windows[w]?.given ?? []).map(({ position, source }) => {
        const latent = latents.get(keyOf(source));
        if (!latent) throw new Error(`the ${keyOf(source)} frame was not encoded before window ${w}`);
        return { position, latent };
      });
    },
  };
}
