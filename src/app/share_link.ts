// Share links: a clip's prompt, settings, seed and model in the URL fragment (#v=1&p=…), which
// browsers never send to a server. Opening one fills the form; one click makes the same clip.
//
// A link is untrusted input. It is parsed field by field against a strict schema (known keys
// only, each once; lengths, ranges and allowed values; no markup in the prompt) and every reason
// for refusing it is reported. Values are only ever read out of URLSearchParams by fixed names
// and copied into a fresh object, so keys such as __proto__ cannot reach any object's prototype;
// the page shows them as text, never as HTML.
import type { AspectRatio } from '../worker/api.ts';
import type { ClipOrigin } from '../store/history.ts';
import {
  ASPECTS,
  MAX_DURATION_SECONDS,
  MAX_PROMPT_CHARS,
  MAX_SEED,
  MAX_STEPS,
  MIN_DURATION_SECONDS,
  MIN_STEPS,
  STYLES,
  TIERS,
  type ClipSettings,
} from './clip_settings.ts';

export const SHARE_LINK_VERSION = '1';
/** Longest fragment read: a full prompt percent-encoded fits with room to spare. */
export const MAX_FRAGMENT_CHARS = 4096;
export const MAX_GUIDANCE = 20;

export interface SharedClip {
  settings: ClipSettings;
  model: { name: string; version: string };
}

export type ShareLinkResult = { ok: true; shared: SharedClip } | { ok: false; errors: string[] };

// Field names in the fragment: short, since links get pasted into chats.
const FIELDS = {
  v: 'link version',
  p: 'prompt',
  d: 'duration',
  a: 'aspect ratio',
  r: 'resolution',
  st: 'style',
  s: 'seed',
  n: 'steps',
  g: 'guidance',
  m: 'model name',
  mv: 'model version',
} as const;
type Field = keyof typeof FIELDS;
const REQUIRED: readonly Field[] = ['v', 'p', 'd', 'a', 'r', 'st', 's', 'n', 'm', 'mv'];

const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const MODEL_VERSION = /^[a-z0-9][a-z0-9._-]{0,31}$/i;
// C0/C1 controls, and the characters that make text markup: no prompt needs them.
const FORBIDDEN_IN_PROMPT = /[\u0000-\u001f\u007f-\u009f<>]/;

/** The link for `shared`, on the page at `pageUrl` (its own fragment replaced). */
export function encodeShareLink(pageUrl: string, shared: SharedClip): string {
  const { settings, model } = shared;
  const params = new URLSearchParams();
  params.set('v', SHARE_LINK_VERSION);
  params.set('p', settings.prompt);
  params.set('d', String(settings.durationSeconds));
  params.set('a', settings.aspect);
  params.set('r', String(settings.shortSide));
  params.set('st', settings.style);
  params.set('s', String(settings.seed));
  params.set('n', String(settings.steps));
  if (settings.guidance !== null) params.set('g', String(settings.guidance));
  params.set('m', model.name);
  params.set('mv', model.version);
  const url = new URL(pageUrl);
  url.hash = params.toString();
  return url.href;
}

/**
 * Why a link cannot reproduce a clip, or null when it can: a link carries settings only, never
 * the pictures or clips some clips were made from.
 */
export function shareBlocker(origin: ClipOrigin | undefined): string | null {
  switch (origin?.kind) {
    case 'picture':
      return `${origin.start && origin.end ? 'This clip started from two pictures, which a link cannot carry' : origin.start ? 'This clip started from a picture, which a link cannot carry' : 'This clip ends on a picture, which a link cannot carry'}, so there is no share link for it. Download the MP4 to share it.`;
    case 'extend':
      return 'This clip continues an earlier clip, which a link cannot carry, so there is no share link for it. Download the MP4 to share it.';
    case 'stitch':
      return 'This clip joins several clips, which a link cannot carry, so there is no share link for it. Download the MP4 to share it.';
    default:
      return null;
  }
}

/** Whether a fragment is meant as a share link at all (anything else in the fragment is left alone). */
export function looksLikeShareLink(fragment: string): boolean {
  return /^#?v=/.test(fragment);
}

/** Parses and checks a fragment ("#v=1&p=…", with or without the '#'). */
export function decodeShareLink(fragment: string): ShareLinkResult {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (text.length > MAX_FRAGMENT_CHARS) {
    return { ok: false, errors: [`The link is too long (${text.length} characters; a share link has at most ${MAX_FRAGMENT_CHARS}).`] };
  }
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text);
  } catch {
    return { ok: false, errors: ['The link could not be read.'] };
  }

  const errors: string[] = [];
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (!Object.hasOwn(FIELDS, key)) errors.push(`The link has a field this app does not use (“${shorten(key)}”).`);
    else if (seen.has(key)) errors.push(`The link gives the ${FIELDS[key as Field]} more than once.`);
    seen.add(key);
  }
  for (const key of REQUIRED) if (!params.has(key)) errors.push(`The link has no ${FIELDS[key]}.`);
  if (errors.length > 0) return { ok: false, errors };

  const get = (key: Field) => params.get(key) ?? '';
  if (get('v') !== SHARE_LINK_VERSION) errors.push(`The link is of version “${shorten(get('v'))}”, which this app cannot read (it reads version ${SHARE_LINK_VERSION}).`);

  const prompt = get('p');
  if (prompt.trim() === '') errors.push('The link has an empty prompt.');
  else if (prompt.length > MAX_PROMPT_CHARS) errors.push(`The prompt is too long (${prompt.length} characters; at most ${MAX_PROMPT_CHARS}).`);
  else if (FORBIDDEN_IN_PROMPT.test(prompt)) errors.push('The prompt contains markup or control characters (such as < or >), which prompts never need.');

  const durationSeconds = wholeNumber(get('d'), 'duration', MIN_DURATION_SECONDS, MAX_DURATION_SECONDS, errors, ' seconds');
  const aspect = oneOf(get('a'), ASPECTS.map((a) => a.value), 'aspect ratio', errors) as AspectRatio | null;
  const shortSide = oneOf(get('r'), TIERS.map((t) => String(t.shortSide)), 'resolution', errors);
  const style = oneOf(get('st'), STYLES, 'style', errors);
  const seed = wholeNumber(get('s'), 'seed', 0, MAX_SEED, errors);
  const steps = wholeNumber(get('n'), 'steps', MIN_STEPS, MAX_STEPS, errors);
  let guidance: number | null = null;
  if (params.has('g')) {
    const g = get('g');
    if (!/^\d{1,2}(\.\d{1,2})?$/.test(g) || Number(g) > MAX_GUIDANCE) errors.push(`The guidance “${shorten(g)}” is not a number from 0 to ${MAX_GUIDANCE}.`);
    else guidance = Number(g);
  }
  const name = get('m');
  const version = get('mv');
  if (!MODEL_NAME.test(name)) errors.push(`The model name “${shorten(name)}” is not a model name (letters, digits, . _ - only).`);
  if (!MODEL_VERSION.test(version)) errors.push(`The model version “${shorten(version)}” is not a version (letters, digits, . _ - only).`);

  if (errors.length > 0 || durationSeconds === null || aspect === null || shortSide === null || style === null || seed === null || steps === null) {
    return { ok: false, errors: errors.length > 0 ? errors : ['The link could not be read.'] };
  }
  return {
    ok: true,
    shared: {
      settings: { prompt, durationSeconds, aspect, shortSide: Number(shortSide), style, seed, steps, guidance },
      model: { name, version },
    },
  };
}

/**
 * What the page says about a link for another model than the loaded one (null when it matches):
 * the form is still filled, but the clip will not be the one that was shared.
 */
export function modelMismatch(shared: SharedClip['model'], loaded: { name: string; version: string }): string | null {
  if (shared.name === loaded.name && shared.version === loaded.version) return null;
  const what = shared.name === loaded.name ? `version ${shared.version} of ${shared.name}` : `the model ${shared.name} (version ${shared.version})`;
  return `This link was made with ${what}; this page runs ${loaded.name} version ${loaded.version}, so the clip will not be the same one.`;
}

function wholeNumber(text: string, what: string, min: number, max: number, errors: string[], unit = ''): number | null {
  // Digits only: no signs, exponents, hex, spaces or fractions, and no more digits than max has.
  if (!/^\d+$/.test(text) || text.length > String(max).length || Number(text) < min || Number(text) > max) {
    errors.push(`The ${what} “${shorten(text)}” is not a whole number from ${min} to ${max}${unit}.`);
    return null;
  }
  return Number(text);
}

function oneOf<T extends string>(text: string, allowed: readonly T[], what: string, errors: string[]): T | null {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  errors.push(`The ${what} “${shorten(text)}” is not one of ${allowed.join(', ')}.`);
  return null;
}

/** Echoes untrusted text in a message without letting a huge value flood the page. */
function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}
