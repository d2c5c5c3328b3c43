// Checks on requests before any work starts, so bad input fails at once with a clear message.
import { normalizePrompt } from '../model/prompt_text.mjs';
import type { GenerateRequest, TestPatternRequest } from './api.ts';
import { EngineError } from './errors.ts';
import { ANY_MODEL, MAX_DURATION_SECONDS, requestProblems, type RequestLimits } from './request_check.mjs';

export const MAX_FRAME_SIDE = 4096;

function badRequest(message: string): EngineError {
  return new EngineError('bad-request', message);
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${name} must be a whole number from ${min} to ${max} (got ${value}).`);
  }
}

export function validateTestPattern(request: TestPatternRequest): void {
  checkInteger('Width', request.width, 16, MAX_FRAME_SIDE);
  checkInteger('Height', request.height, 16, MAX_FRAME_SIDE);
  // 4:2:0 video stores chroma at half resolution, so encoders need even sizes.
  if (request.width % 2 !== 0 || request.height % 2 !== 0) throw badRequest('Width and height must be even.');
  checkInteger('Frame rate', request.fps, 1, 60);
  checkInteger('Frame count', request.frameCount, 1, request.fps * MAX_DURATION_SECONDS);
  if (request.source !== 'gpu' && request.source !== 'cpu') throw badRequest('Source must be "gpu" or "cpu".');
}

/**
 * The request as the engine runs it (its prompt normalised: normalizePrompt), or an EngineError
 * naming every problem: the values by the one check every entry point uses (request_check.mjs),
 * against `limits` (the loaded model's, requestLimits), then the given files.
 */
export function validateGenerate(request: GenerateRequest, limits: RequestLimits = ANY_MODEL): GenerateRequest {
  const problems = requestProblems(request, limits);
  if (problems.length > 0) {
    const code = problems.some((p) => p.code === 'prompt-refused') ? 'prompt-refused' : 'bad-request';
    throw new EngineError(code, problems.map((p) => p.message).join(' '));
  }
  checkMedia('The start image', request.image);
  checkMedia('The end image', request.endImage);
  checkMedia('The clip to extend', request.extend);
  // A clip starts from one thing: a picture, or where an earlier clip left off. An end image goes
  // with either, or alone (a clip that ends on that picture).
  if (request.image !== undefined && request.extend !== undefined) {
    throw badRequest('Start from an image or extend a clip, not both: an extended clip starts where the earlier one ends.');
  }
  // A storyboard is extended by adding a segment and making it again (the same seed gives the
  // earlier segments again), so it never continues another clip's frames.
  if (request.storyboard !== undefined && request.extend !== undefined) {
    throw badRequest('A storyboard is extended by adding a segment to it, not by continuing a clip: remove the clip to extend.');
  }
  return {
    ...request,
    prompt: normalizePrompt(request.prompt),
    ...(request.storyboard && { storyboard: request.storyboard.map(({ at, prompt }) => ({ at, prompt: normalizePrompt(prompt) })) }),
  };
}

/** A given file: a Blob or a byte array, not empty (absent is fine). */
function checkMedia(what: string, media: unknown): void {
  if (media === undefined) return;
  const size = media instanceof Blob ? media.size : media instanceof Uint8Array ? media.length : -1;
  if (size < 0) throw badRequest(`${what} must be a file (a Blob) or its bytes (a Uint8Array).`);
  if (size === 0) throw badRequest(`${what} is an empty file.`);
}

export function validateStitch(clips: readonly unknown[]): void {
  if (!Array.isArray(clips) || clips.length < 2) throw badRequest('Pick at least two clips to stitch together.');
  clips.forEach((clip, i) => checkMedia(`Clip ${i + 1}`, clip));
}
