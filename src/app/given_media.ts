// Starting a clip from media: the pictures picked on the create screen (image-to-video,
// in-betweening) and extending a clip by some seconds. Pure functions over the form's state;
// the engine does the reading and reports a file it cannot use (GenerateRequest.image/extend).
import { coverCrop, type CropRect } from '../video/image_input.ts';
import type { GenerateRequest, MediaInput } from '../worker/api.ts';
import type { ClipOrigin, ClipSettings } from '../store/history.ts';
import { requestProblems, type RequestLimits } from '../worker/request_check.mjs';
import { generateRequest } from './clip_settings.ts';
import { thumbnailSize } from './thumbnail.ts';

/** The pictures picked for the next clip: its first frame and its last, each optional. */
export interface GivenPictures {
  start: Blob | null;
  end: Blob | null;
}

export const NO_PICTURES: GivenPictures = { start: null, end: null };

/** One line on what the picked pictures make, for under the pickers. */
export function picturesMode(pictures: GivenPictures): string {
  if (pictures.start && pictures.end) return 'In-betweening: the clip starts on the first picture and ends on the second; the model makes the frames in between.';
  if (pictures.start) return 'Image-to-video: the picture is the clip’s first frame and the prompt says how it moves.';
  if (pictures.end) return 'The clip ends on this picture. Add a start picture too to make the frames between two pictures.';
  return 'Optional: start from a picture (image-to-video), or give a start and an end picture to make the frames in between.';
}

/** The engine request for `settings` with the picked pictures. */
export function requestWithPictures(settings: ClipSettings, pictures: GivenPictures): GenerateRequest {
  return {
    ...generateRequest(settings),
    ...(pictures.start ? { image: pictures.start } : {}),
    ...(pictures.end ? { endImage: pictures.end } : {}),
  };
}

/** What the history records about a clip made with these pictures. */
export function picturesOrigin(pictures: GivenPictures): ClipOrigin {
  return pictures.start || pictures.end ? { kind: 'picture', start: pictures.start !== null, end: pictures.end !== null } : { kind: 'prompt' };
}

/**
 * The thumbnail of a picked picture as the clip will use it: the part `coverCrop` keeps for the
 * chosen bucket, drawn at a thumbnail's size with the bucket's shape.
 */
export function pictureThumbnail(source: { width: number; height: number }, bucket: { width: number; height: number }): { crop: CropRect; width: number; height: number } {
  return { crop: coverCrop(source.width, source.height, bucket.width, bucket.height), ...thumbnailSize(bucket.width, bucket.height) };
}

export const DEFAULT_EXTEND_SECONDS = 4;

/** What the Extend dialog shows about the clip it extends. */
export interface ExtendTarget {
  title: string;
  /** Its version in the history; null for a clip that was not saved there. */
  version: number | null;
  prompt: string;
  seed: number;
  /** Its length now. */
  seconds: number;
}

export interface Extension {
  /** The settings recorded with the new clip: the earlier clip's, with the new part's length and seed. */
  settings: ClipSettings;
  request: GenerateRequest;
}

/**
 * Extending a clip by `seconds`: its prompt and settings, the chosen seed, its MP4 given as
 * `extend`; durationSeconds is the new part only (the engine puts the earlier frames first).
 */
export function extensionOf(clip: { settings: ClipSettings; mp4: MediaInput }, seconds: number, seed: number): Extension {
  const settings: ClipSettings = { ...clip.settings, durationSeconds: seconds, seed };
  return { settings, request: { ...generateRequest(settings), extend: clip.mp4 } };
}

/**
 * Why an extension cannot run, as one message (null when it can): the same check as every other
 * request (request_check.mjs), with the length named as what it is here.
 */
export function extensionProblem(extension: Extension, limits: RequestLimits): string | null {
  const problems = requestProblems(extension.request, limits, { durationSeconds: 'The seconds to add' });
  return problems.length > 0 ? problems.map((p) => p.message).join(' ') : null;
}
