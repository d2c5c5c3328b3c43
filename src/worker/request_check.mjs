// @ts-check
// The one check of a generation request's values, used by every way in: the create form (its
// Generate button and its keyboard shortcut), share links, the Extend dialog, the command line
// and the engine itself. Each entry point only turns its own input (form fields, URL text,
// argv) into a request and names the fields its own way; what is allowed is decided here, so no
// entry point can accept what another refuses (tests/unit/worker/request_entry_points.test.ts
// checks that with random requests).
//
// The limits come from the model's config (requestLimits): the aspect ratios it has buckets for,
// the short side of each bucket, the shortest clip (one frame at its frame rate) and its own step
// count. Where no model is known yet (a share link may be for another model) ANY_MODEL allows
// what some model could make; the loaded model's limits apply again when the clip is made.
//
// Plain JavaScript with JSDoc types, so the command line (plain Node) runs the same code.
import { normalizePrompt } from '../model/prompt_text.mjs';
import { refusalMessage } from './prompt_filter.mjs';
import { storyboardProblems } from './storyboard.mjs';

export const ASPECT_RATIOS = /** @type {const} */ (['16:9', '1:1', '9:16']);
/** Short sides (px) of the resolution tiers the app knows. */
export const SHORT_SIDES = /** @type {const} */ ([64, 128, 256, 480, 720]);
export const BACKEND_CHOICES = /** @type {const} */ (['auto', 'webgpu', 'wasm']);
export const MIN_STEPS = 1;
/** More steps only cost time: 50 is well past where a flow-matching sampler stops improving. */
export const MAX_STEPS = 50;
export const MAX_DURATION_SECONDS = 60;
export const MAX_SEED = 2 ** 32 - 1;
export const MAX_PROMPT_CHARS = 500;

// C0/C1 controls (white space is already one plain space by then), and the characters that make
// text markup: no prompt needs them, and a share link shows the prompt on a page.
const FORBIDDEN_IN_PROMPT = /[\u0000-\u001f\u007f-\u009f<>]/;

/**
 * @typedef {object} RequestLimits
 * @property {string | null} model The model's name, for messages; null for ANY_MODEL.
 * @property {readonly string[]} aspects Aspect ratios the model makes.
 * @property {Readonly<Record<string, readonly number[]>>} shortSides Short sides (px) it makes, per aspect ratio.
 * @property {number | null} frameRate Frames per second; the shortest clip is one frame. Null: any model.
 * @property {number | null} defaultSteps Its own step count, used when a request gives none.
 * @property {number | null} [windowFrames] Frames one window makes (chunk.latent_frames): a storyboard's first segment needs one. Null or absent: any model.
 */

/**
 * @typedef {'prompt' | 'durationSeconds' | 'seed' | 'steps' | 'aspect' | 'shortSide' | 'backend' | 'storyboard'} RequestField
 * @typedef {{ field: RequestField, code: 'bad-request' | 'prompt-refused', message: string }} RequestProblem
 * @typedef {Partial<Record<Exclude<RequestField, 'prompt' | 'storyboard'>, string>>} FieldNames
 */

/**
 * The parts of a model config (models/configs/*.json) the limits come from.
 * @typedef {{ name?: unknown, latent?: { aspect_buckets?: Partial<Record<string, unknown>>, frame_rate?: unknown }, sampler?: { steps?: unknown }, chunk?: { latent_frames?: unknown } }} LimitsConfig
 */

/** @type {RequestLimits} */
export const ANY_MODEL = Object.freeze({
  model: null,
  aspects: ASPECT_RATIOS,
  shortSides: Object.fromEntries(ASPECT_RATIOS.map((aspect) => [aspect, SHORT_SIDES])),
  frameRate: null,
  defaultSteps: null,
  windowFrames: null,
});

/**
 * What a model makes, from its config.
 * @param {LimitsConfig} config
 * @returns {RequestLimits}
 */
export function requestLimits(config) {
  const buckets = config.latent?.aspect_buckets ?? {};
  /** @type {Record<string, number[]>} */
  const shortSides = {};
  for (const aspect of ASPECT_RATIOS) {
    const bucket = buckets[aspect];
    if (Array.isArray(bucket) && bucket.length === 2 && bucket.every((side) => Number.isInteger(side) && side > 0)) {
      shortSides[aspect] = [Math.min(bucket[0], bucket[1])];
    }
  }
  const rate = config.latent?.frame_rate;
  const steps = config.sampler?.steps;
  const window = config.chunk?.latent_frames;
  return {
    model: typeof config.name === 'string' ? config.name : 'this model',
    aspects: ASPECT_RATIOS.filter((aspect) => aspect in shortSides),
    shortSides,
    frameRate: typeof rate === 'number' && Number.isInteger(rate) && rate > 0 ? rate : null,
    defaultSteps: typeof steps === 'number' && Number.isInteger(steps) && steps >= MIN_STEPS && steps <= MAX_STEPS ? steps : null,
    windowFrames: typeof window === 'number' && Number.isInteger(window) && window > 0 ? window : null,
  };
}

/** How messages name each field, unless an entry point names them its own way (the CLI: --seconds…). */
const FIELD_NAMES = {
  durationSeconds: 'The duration',
  seed: 'The seed',
  steps: 'The number of steps',
  aspect: 'The aspect ratio',
  shortSide: 'The resolution',
  backend: 'The backend',
};

/**
 * Text as it is shown inside a message: quoted when it was text, shortened so a huge value
 * cannot flood the page.
 * @param {unknown} value
 */
export function shown(value) {
  const text = String(value);
  const short = text.length > 24 ? `${text.slice(0, 24)}…` : text;
  return typeof value === 'string' ? `"${short}"` : short;
}

/**
 * A number from text typed or carried in a URL: plain decimal digits with an optional fraction,
 * nothing else (no sign, exponent, hex or spaces). Other text comes back as it is, so the check
 * refuses it with the field's rule and shows what was given.
 * @param {string} text
 * @returns {number | string}
 */
export function decimalFromText(text) {
  // At most 15 digits before the point: read exactly (below 2^53), and the message can echo
  // the text as given rather than a rounded number.
  return /^\d{1,15}(\.\d{1,24})?$/.test(text) ? Number(text) : text;
}

/**
 * @param {unknown} value
 * @param {number} min
 * @param {number} max
 */
const wholeIn = (value, min, max) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/**
 * The prompt's problem, if any: checked as normalizePrompt reads it.
 * @param {unknown} prompt
 * @returns {RequestProblem | null}
 */
export function promptProblem(prompt) {
  /** @param {string} message @returns {RequestProblem} */
  const bad = (message) => ({ field: 'prompt', code: 'bad-request', message });
  if (typeof prompt !== 'string') return bad('The prompt must be text.');
  const text = normalizePrompt(prompt);
  if (text === '') return bad('Type a prompt describing the clip first.');
  if (text.length > MAX_PROMPT_CHARS) return bad(`The prompt is too long (${text.length} characters; at most ${MAX_PROMPT_CHARS}).`);
  if (FORBIDDEN_IN_PROMPT.test(text)) return bad('The prompt contains markup or control characters (such as < or >), which prompts never need.');
  const refusal = refusalMessage(text);
  return refusal === null ? null : { field: 'prompt', code: 'prompt-refused', message: refusal };
}

/**
 * The duration's rule, in words.
 * @param {RequestLimits} limits
 */
function durationRule(limits) {
  return limits.frameRate === null
    ? `a number of seconds, more than 0 and at most ${MAX_DURATION_SECONDS}`
    : `a number of seconds from 1/${limits.frameRate} (one frame at ${limits.model}'s ${limits.frameRate} fps) to ${MAX_DURATION_SECONDS}`;
}

/**
 * @param {unknown} seconds
 * @param {RequestLimits} limits
 */
function durationOk(seconds, limits) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds > MAX_DURATION_SECONDS) return false;
  return limits.frameRate === null ? seconds > 0 : seconds >= 1 / limits.frameRate;
}

/**
 * Everything wrong with a request, one problem per field, in the order of the fields; empty when
 * it may run. `names` renames fields in the messages (the CLI says --seconds, not "The duration").
 * @param {{ prompt?: unknown, durationSeconds?: unknown, seed?: unknown, steps?: unknown, aspect?: unknown, shortSide?: unknown, backend?: unknown, storyboard?: unknown }} request
 * @param {RequestLimits} limits
 * @param {FieldNames} [names]
 * @returns {RequestProblem[]}
 */
export function requestProblems(request, limits, names = {}) {
  /** @type {RequestProblem[]} */
  const problems = [];
  /** @param {Exclude<RequestField, 'prompt' | 'storyboard'>} field @param {string} rule @param {unknown} value */
  const bad = (field, rule, value) =>
    problems.push({ field, code: 'bad-request', message: `${names[field] ?? FIELD_NAMES[field]} must be ${rule} (got ${shown(value)}).` });

  const prompt = promptProblem(request.prompt);
  if (prompt) problems.push(prompt);
  if (!durationOk(request.durationSeconds, limits)) bad('durationSeconds', durationRule(limits), request.durationSeconds);
  if (!wholeIn(request.seed, 0, MAX_SEED)) bad('seed', `a whole number from 0 to ${MAX_SEED}`, request.seed);
  if (request.steps !== undefined && !wholeIn(request.steps, MIN_STEPS, MAX_STEPS)) {
    bad('steps', `a whole number from ${MIN_STEPS} to ${MAX_STEPS}`, request.steps);
  }
  const aspect = request.aspect;
  const forModel = limits.model === null ? '' : ` (what ${limits.model} makes)`;
  if (typeof aspect !== 'string' || !limits.aspects.includes(aspect)) {
    bad('aspect', `one of ${limits.aspects.join(', ')}${forModel}`, aspect);
  } else {
    const sides = limits.shortSides[aspect] ?? [];
    if (typeof request.shortSide !== 'number' || !sides.includes(request.shortSide)) {
      bad('shortSide', `${sides.length === 1 ? '' : 'one of '}${sides.map((s) => `${s}`).join(', ')} px at ${aspect}${forModel}`, request.shortSide);
    }
  }
  const backend = request.backend;
  if (backend !== undefined && !(typeof backend === 'string' && /** @type {readonly string[]} */ (BACKEND_CHOICES).includes(backend))) {
    bad('backend', `one of ${BACKEND_CHOICES.join(', ')}`, backend);
  }
  // A storyboard: every segment's prompt by the prompt's rule, its times against the duration.
  if (request.storyboard !== undefined) {
    for (const { message, code } of storyboardProblems(request.storyboard, request.durationSeconds, limits, promptProblem, request.prompt)) {
      problems.push({ field: 'storyboard', code, message });
    }
  }
  return problems;
}
