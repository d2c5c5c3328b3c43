// A Wan clip request checked before anything runs: every problem named at once, as
// validateGenerate does for zoetrope-s. Sizes are Wan's (multiples of 16, up to 480×832 in either
// orientation: the model was trained at 480p), lengths 1–10 s at 16 fps (4k + 1 frames).
import { normalizePrompt } from '../model/prompt_text.mjs';
import type { WanClipRequest } from '../sampler/wan_clip.ts';
import { EngineError } from './errors.ts';
import { MAX_SEED, promptProblem } from './request_check.mjs';

export const WAN_MAX_PIXELS = 480 * 832;
export const WAN_MAX_FRAMES = 161;
const SAMPLERS = ['self-forcing-4', 'flow-matching-50'];

const whole = (value: unknown, min: number, max: number): value is number => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

export function validateWanClip(request: WanClipRequest): WanClipRequest {
  const problems: string[] = [];
  const prompt = promptProblem(request.prompt);
  if (prompt) {
    if (prompt.code === 'prompt-refused') throw new EngineError('prompt-refused', prompt.message);
    problems.push(prompt.message);
  }
  if (!SAMPLERS.includes(request.sampler)) problems.push(`The sampler must be one of ${SAMPLERS.join(', ')}.`);
  if (!whole(request.seed, 0, MAX_SEED)) problems.push(`The seed must be a whole number from 0 to ${MAX_SEED}.`);
  for (const side of ['width', 'height'] as const) {
    if (!whole(request[side], 16, 832) || request[side] % 16 !== 0) problems.push(`The ${side} must be a multiple of 16 from 16 to 832 pixels.`);
  }
  if (request.width * request.height > WAN_MAX_PIXELS) problems.push(`${request.width}×${request.height} is larger than Wan's 832×480.`);
  if (!whole(request.frames, 1, WAN_MAX_FRAMES) || (request.frames - 1) % 4 !== 0) problems.push(`The clip must have 4k + 1 frames, at most ${WAN_MAX_FRAMES} (10 s at 16 fps).`);
  if (request.steps !== undefined && !whole(request.steps, 1, 50)) problems.push('Steps must be a whole number from 1 to 50.');
  if (request.guidance !== undefined && !(typeof request.guidance === 'number' && request.guidance >= 0 && request.guidance <= 20)) problems.push('Guidance must be a number from 0 to 20.');
  if (problems.length > 0) throw new EngineError('bad-request', problems.join(' '));
  return { ...request, prompt: normalizePrompt(request.prompt) };
}
