// The create form's settings and the choices the loaded model offers for them. Everything the
// form shows (aspects, resolution tiers, default steps, guidance) comes from the model's config,
// so a new model brings its own choices without code changes.
import type { AspectRatio, GenerateRequest } from '../worker/api.ts';
import type { ClipSettings } from '../store/history.ts';
import { ASPECT_RATIOS, requestLimits, SHORT_SIDES, type RequestLimits } from '../worker/request_check.mjs';

export type { ClipSettings };
// The limits themselves live with the one request check every entry point uses.
export { MAX_DURATION_SECONDS, MAX_PROMPT_CHARS, MAX_SEED, MAX_STEPS, MIN_STEPS } from '../worker/request_check.mjs';

/** The duration slider's least value; shorter clips (down to one frame) come from links, the CLI and Extend. */
export const MIN_DURATION_SECONDS = 1;

const ASPECT_LABELS: Record<AspectRatio, string> = { '16:9': '16:9 landscape', '1:1': '1:1 square', '9:16': '9:16 portrait' };
export const ASPECTS: readonly { value: AspectRatio; label: string }[] = ASPECT_RATIOS.map((value) => ({ value, label: ASPECT_LABELS[value] }));

const TIER_NAMES: Record<number, string> = { 64: 'Test', 128: 'Draft', 256: 'Standard', 480: 'HD', 720: 'Full HD' };
/** Resolution tiers by the frame's short side; a model offers those its buckets have. */
export const TIERS: readonly { shortSide: number; label: string }[] = SHORT_SIDES.map((shortSide) => ({
  shortSide,
  label: `${TIER_NAMES[shortSide]} (${shortSide} px)`,
}));

/** Style presets: the word is appended to the prompt (our models learned these words from captions). */
export const STYLES = ['none', 'flat', 'pastel', 'neon glow', 'outline sketch', 'pixel art'] as const;
export type StyleName = (typeof STYLES)[number];

/** The parts of a model config the form reads (models/configs/*.json); the rest is the engine's. */
export interface FormConfig {
  name?: string;
  latent?: { aspect_buckets?: Partial<Record<string, [number, number]>>; frame_rate?: number };
  sampler?: { steps?: number; guidance?: number };
}

export interface ModelChoices {
  /** What the model makes, as the request check sees it (requestLimits). */
  limits: RequestLimits;
  /** Aspects the model has a bucket for, in ASPECTS order. */
  aspects: AspectRatio[];
  /** Every tier, with whether the model makes it at `aspect`. */
  tiersFor(aspect: AspectRatio): { shortSide: number; label: string; available: boolean }[];
  defaultSteps: number;
  /** The config's guidance scale, or null for models that sample without guidance. */
  guidance: number | null;
}

export function modelChoices(config: FormConfig): ModelChoices {
  const limits = requestLimits(config);
  const guidance = config.sampler?.guidance;
  return {
    limits,
    aspects: limits.aspects as AspectRatio[],
    tiersFor: (aspect) => TIERS.map((tier) => ({ ...tier, available: (limits.shortSides[aspect] ?? []).includes(tier.shortSide) })),
    defaultSteps: limits.defaultSteps ?? 4,
    guidance: typeof guidance === 'number' && Number.isFinite(guidance) ? guidance : null,
  };
}

/** The form's starting point for a model: 4 s, its first aspect and its tier, its own step count. */
export function defaultSettings(choices: ModelChoices, seed: number): ClipSettings {
  const aspect = choices.aspects[0] ?? '16:9';
  return {
    prompt: '',
    durationSeconds: 4,
    aspect,
    shortSide: choices.tiersFor(aspect).find((t) => t.available)?.shortSide ?? 256,
    style: 'none',
    seed,
    steps: choices.defaultSteps,
    guidance: choices.guidance,
  };
}

/** Settings made to fit the model: an aspect it lacks becomes its first, the tier follows the aspect. */
export function fitToModel(settings: ClipSettings, choices: ModelChoices): ClipSettings {
  const aspect = choices.aspects.includes(settings.aspect) ? settings.aspect : (choices.aspects[0] ?? settings.aspect);
  const tiers = choices.tiersFor(aspect);
  const shortSide = tiers.some((t) => t.available && t.shortSide === settings.shortSide)
    ? settings.shortSide
    : (tiers.find((t) => t.available)?.shortSide ?? settings.shortSide);
  return { ...settings, aspect, shortSide, guidance: choices.guidance === null ? null : (settings.guidance ?? choices.guidance) };
}

/** "a red ball bounces, pixel art": the style word goes at the end, where captions put it. */
export function promptWithStyle(prompt: string, style: string): string {
  const text = prompt.trim();
  // No prompt stays no prompt: a style word alone is not a description of a clip.
  return style === 'none' || style === '' || text === '' ? text : `${text}, ${style}`;
}

/**
 * What the engine is asked for; the style is already in the prompt (in every segment's prompt of
 * a storyboard), so it is not sent twice.
 */
export function generateRequest(settings: ClipSettings): GenerateRequest {
  return {
    prompt: promptWithStyle(settings.prompt, settings.style),
    seed: settings.seed,
    durationSeconds: settings.durationSeconds,
    aspect: settings.aspect,
    shortSide: settings.shortSide,
    steps: settings.steps,
    ...(settings.storyboard && {
      storyboard: settings.storyboard.map(({ at, prompt }) => ({ at, prompt: promptWithStyle(prompt, settings.style) })),
    }),
  };
}
