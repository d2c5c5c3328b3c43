// The provenance record of a generated clip, and the clip with it written into its MP4: the
// engine's last step for every clip (and every stitch), from the request it took, the clip the
// sampler made and the model's manifest. How the record is written is the video path's part
// (video/provenance.ts).
import { version } from '../../package.json';
import { normalizePrompt } from '../model/prompt_text.mjs';
import { addProvenance, type Provenance } from '../video/provenance.ts';
import type { Clip, GenerateRequest, ModelInfo, WanClipRequest, WanLoaded } from './api.ts';
import { asEngineError } from './errors.ts';
import { storyboardSummary } from './storyboard.mjs';

export const GENERATOR = `Zoetrope ${version}`;

/**
 * Every request field that shaped the clip goes into settings as it is, so fields added to
 * GenerateRequest later (backend, conditioning…) are recorded without a change here; a field
 * that is not a plain value (an image's bytes) is recorded as "given", not embedded.
 */
export function clipProvenance(request: GenerateRequest, clip: Clip, model: ModelInfo, now = new Date()): Provenance {
  const settings: Provenance['settings'] = {};
  for (const [key, value] of Object.entries(request)) {
    if (key === 'prompt' || key === 'seed' || key === 'storyboard' || value === undefined || value === null) continue;
    settings[key] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : 'given';
  }
  const sampler = model.config.sampler as { steps?: unknown } | undefined;
  if (settings.steps === undefined && typeof sampler?.steps === 'number') settings.steps = sampler.steps;
  Object.assign(settings, { width: clip.width, height: clip.height, fps: clip.fps, frameCount: clip.frameCount, codec: clip.codec });
  // The backend that ran, not the one asked for ('auto').
  if (clip.backend) settings.backend = clip.backend;
  // A storyboard: every segment's prompt with its times, and the whole of it as the one-line
  // prompt that players show in the comment.
  const board = request.storyboard;
  const segments = board?.map(({ at, prompt }, k) => ({ from: at, to: board[k + 1]?.at ?? request.durationSeconds, prompt }));
  return {
    aiGenerated: true,
    generator: GENERATOR,
    model: { name: model.name, version: model.version },
    seed: request.seed,
    prompt: board ? storyboardSummary(board, request.durationSeconds) : request.prompt,
    settings,
    createdAt: now.toISOString(),
    ...(segments && { segments }),
  };
}

/** A Wan clip's record: the sampler and the DiT's depth name the model (its files are the published ones). */
export function wanClipProvenance(request: WanClipRequest, clip: Clip, loaded: WanLoaded, now = new Date()): Provenance {
  const { prompt, seed, ...rest } = request;
  const settings: Provenance['settings'] = {};
  for (const [key, value] of Object.entries(rest)) if (typeof value === 'string' || typeof value === 'number') settings[key] = value;
  Object.assign(settings, { width: clip.width, height: clip.height, fps: clip.fps, frameCount: clip.frameCount, codec: clip.codec, backend: 'webgpu' });
  const name = loaded.sampler === 'self-forcing-4' ? 'Self-Forcing (Wan2.1-T2V-1.3B)' : 'Wan2.1-T2V-1.3B';
  return {
    aiGenerated: true, generator: GENERATOR, model: { name, version: loaded.reduced ? `test checkpoint, ${loaded.layers} blocks` : 'published' },
    seed, prompt, settings, createdAt: now.toISOString(),
  };
}

/** A Wan clip with its MP4 carrying the provenance record. */
export async function withWanProvenance(clip: Clip, request: WanClipRequest, loaded: WanLoaded): Promise<Clip> {
  const mp4 = addProvenance(new Uint8Array(await clip.mp4.arrayBuffer()), wanClipProvenance(request, clip, loaded));
  return { ...clip, mp4: new Blob([mp4], { type: 'video/mp4' }) };
}

/** `clip` with its MP4 carrying the provenance record. */
export async function withProvenance(clip: Clip, request: GenerateRequest, model: ModelInfo): Promise<Clip> {
  try {
    const mp4 = addProvenance(new Uint8Array(await clip.mp4.arrayBuffer()), clipProvenance(request, clip, model));
    return { ...clip, mp4: new Blob([mp4], { type: 'video/mp4' }) };
  } catch (error) {
    throw asEngineError(error, 'internal', 'The clip was made, but its provenance record could not be written into the MP4.');
  }
}

/**
 * The record of clips stitched into one: AI-generated when any part is (a part without a record
 * is counted, not described), with each part's model, seed and prompt kept in the settings, so the
 * joined file says what it is made of. Null when no part carries a record: nothing to attest.
 */
export function stitchedProvenance(
  parts: readonly (Provenance | null)[],
  stitched: { width: number; height: number; fps: number; frameCount: number; reencoded: boolean },
  now = new Date(),
): Provenance | null {
  const known = parts.filter((part): part is Provenance => part !== null);
  const first = known[0];
  if (!first) return null;
  // Each part's prompt as checks read it: a part made before prompts were normalised may hide characters.
  const sources = parts.map((part) => (part ? { model: `${part.model.name} ${part.model.version}`, seed: part.seed, prompt: normalizePrompt(part.prompt) } : null));
  return {
    aiGenerated: true,
    generator: GENERATOR,
    model: first.model,
    seed: first.seed,
    prompt: known.map((part) => normalizePrompt(part.prompt)).join(' | '),
    settings: {
      stitchedFrom: parts.length,
      partsWithoutRecord: parts.length - known.length,
      parts: JSON.stringify(sources),
      width: stitched.width, height: stitched.height, fps: stitched.fps, frameCount: stitched.frameCount,
      reencoded: stitched.reencoded,
    },
    createdAt: now.toISOString(),
  };
}
