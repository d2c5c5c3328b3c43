// A request's given media → the frames the sampler keeps as they are:
//   image     the clip's first frame (image-to-video)
//   endImage  the clip's last frame (with image: in-betweening; alone: a clip that ends on it)
//   extend    an earlier clip, which the new frames continue: its last context frames are given
//             at the start of window 0 (as a later window's context is), and the returned MP4 is
//             its frames followed by the new ones (decoded and encoded again into the new file,
//             so the file has one encoder configuration throughout).
// Pictures are cropped to cover the bucket (image_input.ts) and encoded by the VAE encoder, once
// per clip, before the first window. given_frames.ts plans where each frame goes.
//
// Everything that can be wrong with the input (an unreadable image, a file that is not a finished
// MP4, a clip of another size or frame rate than the model makes) is found here, before any
// model work, and reported as an EngineError 'bad-request' that says what to do.
import type { ModelConfig } from '../model/config.ts';
import type { FrameEncoder } from '../model/vae_encoder.ts';
import { decodeFrames, frameToRgba, trackFps } from '../video/decode.ts';
import { demuxVideoTrack, Mp4FormatError, type DemuxedTrack } from '../video/demux.ts';
import { ImageFormatError } from '../video/image_header.ts';
import { imageToFrame } from '../video/image_input.ts';
import type { GenerateRequest, MediaInput } from '../worker/api.ts';
import { EngineError } from '../errors/engine_error.ts';
import { throwIfCancelled } from '../errors/cancelled.ts';
import { planClip, type ClipPlan, type GivenFrame, type GivenSource } from './given_frames.ts';

export interface ConditioningSetting {
  config: ModelConfig;
  /** The bucket's size in pixels, and the model's frame rate. */
  width: number;
  height: number;
  fps: number;
  /** New frames the clip makes: round(durationSeconds · fps). */
  frames: number;
  /** The backend's VAE encoder; needed only when media is given. */
  encoder: FrameEncoder | undefined;
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

function badRequest(message: string, cause?: unknown): EngineError {
  return new EngineError('bad-request', message, cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined);
}

/**
 * The most bytes a given clip may have: read whole into memory, and a minute of Zoetrope's video
 * is a few MB, so a larger file is refused before it is read.
 */
export const MAX_MEDIA_BYTES = 512 * 1024 * 1024;

/** The bytes of a Blob or byte array given to the engine. */
export async function mediaBytes(media: MediaInput): Promise<Uint8Array<ArrayBuffer>> {
  const size = media instanceof Blob ? media.size : media.byteLength;
  if (size > MAX_MEDIA_BYTES) {
    throw badRequest(`The file given is ${(size / 2 ** 20).toFixed(0)} MB; Zoetrope reads clips and pictures of at most ${MAX_MEDIA_BYTES / 2 ** 20} MB.`);
  }
  if (media instanceof Blob) return new Uint8Array(await media.arrayBuffer());
  return media.buffer instanceof ArrayBuffer ? (media as Uint8Array<ArrayBuffer>) : new Uint8Array(media);
}

async function readPicture(media: MediaInput, which: string, width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  const blob = media instanceof Blob ? media : new Blob([await mediaBytes(media)]);
  try {
    return await imageToFrame(blob, width, height);
  } catch (error) {
    const why = error instanceof ImageFormatError ? error.message : 'it is not an image this browser can open';
    throw badRequest(`The ${which} could not be read: ${why}. Use a PNG, JPEG or WebP file.`, error);
  }
}

/**
 * The clip to extend: a finished MP4 of this model's size (for the chosen aspect) and frame rate.
 * Every way its bytes can be wrong ends here as a bad-request: the demuxer checks its tables
 * against the file's length before allocating anything from them.
 */
export function readEarlierClip(bytes: Uint8Array<ArrayBuffer>, { config, width, height, fps }: Pick<ConditioningSetting, 'config' | 'width' | 'height' | 'fps'>): DemuxedTrack {
  let track: DemuxedTrack;
  try {
    track = demuxVideoTrack(bytes);
  } catch (error) {
    if (error instanceof Mp4FormatError) throw badRequest(`The clip to extend could not be read: ${error.message}. Pick an MP4 made by Zoetrope.`, error);
    throw error;
  }
  const { codedWidth, codedHeight } = track.config;
  if (codedWidth !== width || codedHeight !== height) {
    const matching = Object.entries(config.latent.aspect_buckets).find(([, size]) => size?.[0] === codedHeight && size[1] === codedWidth);
    throw badRequest(
      `The clip to extend is ${codedWidth}×${codedHeight}, but ${config.name} makes ${width}×${height} clips at this aspect ratio. ` +
        (matching ? `Choose the ${matching[0]} aspect ratio to extend it.` : `It was not made by ${config.name}; extend a clip this model made.`),
    );
  }
  if (track.samples.length === 0) throw badRequest('The clip to extend has no frames.');
  const clipFps = trackFps(track);
  if (Math.abs(clipFps - fps) > 0.5) {
    throw badRequest(`The clip to extend runs at ${clipFps.toFixed(1)} frames per second, but ${config.name} makes ${fps} fps clips; extend a clip this model made.`);
  }
  return track;
}

export async function openConditioning(request: GenerateRequest, setting: ConditioningSetting): Promise<Conditioning> {
  const { config, width, height, frames, encoder } = setting;
  const chunk = config.chunk;
  const given = request.image !== undefined || request.endImage !== undefined || request.extend !== undefined;
  if (!given) {
    const plan = planClip({ frames, windowFrames: chunk.latent_frames, contextFrames: chunk.context_latent_frames });
    return { plan, earlierFrames: 0, prepare: async () => undefined, givenFrames: () => [] };
  }
  if (!encoder) throw new EngineError('model-unsupported', `${config.name} has no VAE encoder (vae_encoder.onnx), which starting from an image or a clip needs.`);
  if (request.image !== undefined && request.endImage !== undefined && frames < 2) {
    throw badRequest(`A clip between two images needs at least two frames: make it at least ${(2 / setting.fps).toFixed(2)} s long.`);
  }
  // Read everything first, so a bad file fails before any model work.
  const start = request.image === undefined ? null : await readPicture(request.image, 'start image', width, height);
  const end = request.endImage === undefined ? null : await readPicture(request.endImage, 'end image', width, height);
  const earlierBytes = request.extend === undefined ? null : await mediaBytes(request.extend);
  const earlier = earlierBytes ? readEarlierClip(earlierBytes, setting) : null;
  const earlierFrames = earlier?.samples.length ?? 0;
  const lead = Math.min(chunk.context_latent_frames, earlierFrames);
  const plan = planClip({
    frames, windowFrames: chunk.latent_frames, contextFrames: chunk.context_latent_frames,
    lead, startImage: start !== null, endImage: end !== null,
  });

  const latents = new Map<string, Float32Array<ArrayBuffer>>();
  const keyOf = (source: GivenSource) => (source.kind === 'lead' ? `lead ${source.index}` : source.kind);
  return {
    plan,
    earlierFrames,
    async prepare(emit, signal) {
      const kept: Uint8Array<ArrayBuffer>[] = [];
      if (earlierBytes) {
        let ownFailure: unknown = null; // thrown by emit or by a cancel, not by the decoder
        try {
          await decodeFrames(earlierBytes, async (frame, i) => {
            let rgba: Uint8Array<ArrayBuffer>;
            try {
              rgba = frameToRgba(frame, width, height).rgba;
            } finally {
              frame.close();
            }
            if (i >= earlierFrames - lead) kept.push(rgba);
            try {
              throwIfCancelled(signal);
              await emit(rgba);
            } catch (error) {
              ownFailure = error;
              throw error;
            }
          });
        } catch (error) {
          if (error === ownFailure) throw error;
          throw badRequest('The clip to extend could not be decoded: its video data is damaged or cut off. Pick another MP4 made by Zoetrope.', error);
        }
        if (kept.length !== lead) throw badRequest(`The clip to extend says it has ${earlierFrames} frames, but fewer could be decoded.`);
      }
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
