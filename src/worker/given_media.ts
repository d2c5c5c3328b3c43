// A request's given pictures and clip, read before the sampler sees them: the files' bytes, the
// pictures decoded and cropped to the clip's size, the clip to extend demuxed and checked against
// what the model makes, and its frames decoded when the sampler asks for them. The sampler gets
// RGBA frames (sampler/conditioning.ts's GivenMedia) and never a file.
//
// Everything that can be wrong with a file (an unreadable image, a file that is not a finished
// MP4, a clip of another size or frame rate than the model makes, damaged video data) ends here as
// an EngineError 'bad-request' that says what to do.
import { EngineError } from '../errors/engine_error.ts';
import type { ClipFormat, DecodedMedia, EarlierClip, GivenMedia } from '../sampler/conditioning.ts';
import { decodeFrames, frameToRgba, trackFps } from '../video/decode.ts';
import { demuxVideoTrack, Mp4FormatError, type DemuxedTrack } from '../video/demux.ts';
import { ImageFormatError } from '../video/image_header.ts';
import { imageToFrame } from '../video/image_input.ts';
import type { GenerateRequest, MediaInput } from './api.ts';

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
export function readEarlierClip(bytes: Uint8Array<ArrayBuffer>, { config, width, height, fps }: ClipFormat): DemuxedTrack {
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

/** The checked clip to extend, its frames decoded to RGBA at the clip's size as they are asked for. */
function earlierClip(bytes: Uint8Array<ArrayBuffer>, format: ClipFormat): EarlierClip {
  const frameCount = readEarlierClip(bytes, format).samples.length;
  return {
    frameCount,
    async decode(onFrame) {
      let decoded = 0;
      let ownFailure: unknown = null; // thrown by onFrame (or a cancel in it), not by the decoder
      try {
        await decodeFrames(bytes, async (frame, i) => {
          let rgba: Uint8Array<ArrayBuffer>;
          try {
            rgba = frameToRgba(frame, format.width, format.height).rgba;
          } finally {
            frame.close();
          }
          decoded += 1;
          try {
            await onFrame(rgba, i);
          } catch (error) {
            ownFailure = error;
            throw error;
          }
        });
      } catch (error) {
        if (error === ownFailure) throw error;
        throw badRequest('The clip to extend could not be decoded: its video data is damaged or cut off. Pick another MP4 made by Zoetrope.', error);
      }
      if (decoded !== frameCount) throw badRequest(`The clip to extend says it has ${frameCount} frames, but fewer could be decoded.`);
    },
  };
}

/** What `request` gives, read by `read` (pictures, then the clip to extend) once the clip's format is known. */
export function givenMedia(request: GenerateRequest): GivenMedia {
  const { image, endImage, extend } = request;
  return {
    startImage: image !== undefined,
    endImage: endImage !== undefined,
    extend: extend !== undefined,
    async read(format): Promise<DecodedMedia> {
      const start = image === undefined ? null : await readPicture(image, 'start image', format.width, format.height);
      const end = endImage === undefined ? null : await readPicture(endImage, 'end image', format.width, format.height);
      const earlier = extend === undefined ? null : earlierClip(await mediaBytes(extend), format);
      return { start, end, earlier };
    },
  };
}
