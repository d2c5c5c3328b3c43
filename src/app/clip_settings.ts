// The create form's settings and the choices the loaded model offers for them. Everything the
// form shows (aspects, resolution tiers, default steps, guidance) comes from the model's config,
// so a new model brings its own choices without code changes.
import type { AspectRatio, GenerateRequest } from '../worker/api.ts';
import type { ClipSettings } from '../store/history.ts';

export type { ClipSettings };

export const MIN_DURATION_SECONDS = 1;
export const MAX_DURATION_SECONDS = 60;
export const MIN_STEPS = 1;
export const MAX_STEPS = 50;
export const MAX_PROMPT_CHARS = 500;
export const MAX_SEED = 2 ** 32 - 1;

export const ASPECTS: readonly { value: AspectRatio; label: string }[] = [
  { value: '16:9', label: '16:9 landscape' },
  { value: '1:1', label: '1:1 square' },
  { value: '9:16', label: '9:16 portrait' },
];

/** Resolution tiers by the frame's short side; a model offers those its buckets have. */
export const TIERS: readonly { shortSide: number; label: string }[] = [
  { shortSide: 64, label: 'Test (64 px)' },
  { shortSide: 128, label: 'Draft (128 px)' },
  { shortSide: 256, label: 'Standard (256 px)' },
  { shortSide: 480, label: 'HD (480 px)' },
  { shortSide: 720, label: 'Full HD (720 px)' },
];

/** Style presets: the word is appended to the prompt (our models learned these words from captions). */
export const STYLES = ['none', 'flat', 'pastel', 'neon glow', 'outline sketch', 'pixel art'] as const;
export type StyleName = (typeof STYLES)[number];

/** The parts of a model config the form reads (models/configs/*.json); the rest is the engine's. */
export interface FormConfig {
  latent?: { aspect_buckets?: Partial<Record<string, [number, number]>>; frame_rate?: number };
  sampler?: { steps?: number; guidance?: number };
}

export interface ModelChoices {
  /** Aspects the model has a bucket for, in ASPECTS order. */
  aspects: AspectRatio[];
  /** Every tier, with whether the model makes it at `aspect`. */
  tiersFor(aspect: AspectRatio): { shortSide: number; label: string; available: boolean }[];
  defaultSteps: number;
  /** The config's guidance scale, or null for models that sample without guidance. */
  guidance: number | null;
}

export function modelChoices(config: FormConfig): ModelChoices {
  const buckets = config.latent?.aspect_buckets ?? {};
  const shortSideOf = (aspect: AspectRatio) => {
    const bucket = buckets[aspect];
    return bucket ? Math.min(bucket[0], bucket[1]) : null;
  };
  const steps = config.sampler?.steps;
  const guidance = config.sampler?.guidance;
  return {
    aspects: ASPECTS.map((a) => a.value).filter((a) => shortSideOf(a) !== null),
    tiersFor: (aspect) => TIERS.map((tier) => ({ ...tier, available: shortSideOf(aspect) === tier.shortSide })),
    defaultSteps: Number.isInteger(steps) && steps! >= MIN_STEPS && steps! <= MAX_STEPS ? steps! : 4,
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
  return style === 'none' || style === '' ? text : `${text}, ${style}`;
}

/** What the engine is asked for; the style is already in the prompt, so it is not sent twice. */
export function generateRequest(settings: ClipSettings): GenerateRequest {
  return {
    prompt: promptWithStyle(settings.prompt, settings.style),
    seed: settings.seed,
    durationSeconds: settings.durationSeconds,
    aspect: settings.aspect,
    shortSide: settings.shortSide,
    steps: settings.steps,
  };
}
