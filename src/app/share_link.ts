// Share links: a clip's prompt, settings, seed and model in the URL fragment (#v=1&p=…), which
// browsers never send to a server. Opening one fills the form; one click makes the same clip.
//
// A link is untrusted input. It is parsed field by field against a strict schema (known keys
// only, each once; lengths, ranges and allowed values; no markup in the prompt) and every reason
// for refusing it is reported. Values are only ever read out of URLSearchParams by fixed names
// and copied into a fresh object, so keys such as __proto__ cannot reach any object's prototype;
// the page shows them as text, never as HTML.
import type { ClipEdit, ClipOrigin } from '../store/history.ts';
import { cutProblems, storyboardParts, titleProblems } from '../worker/edit_check.mjs';
import { normalizePrompt } from '../model/prompt_text.mjs';
import { ANY_MODEL, decimalFromText, type RequestLimits } from '../worker/request_check.mjs';
import { parseStoryboardText, storyboardText } from '../worker/storyboard.mjs';
import type { ClipSettings } from './clip_settings.ts';
import { settingsProblems, type UncheckedSettings } from './settings_check.ts';

export const SHARE_LINK_VERSION = '1';
/**
 * Longest fragment read: any prompt the form accepts (500 UTF-16 units, at most 9 characters each
 * percent-encoded: a 3-byte UTF-8 character) fits with the other fields, so every clip made from a
 * prompt alone has a link that opens.
 */
export const MAX_FRAGMENT_CHARS = 8192;
/** Unknown field names a message lists before it says how many more there are. */
const MAX_NAMES_LISTED = 5;

export interface SharedClip {
  settings: ClipSettings;
  model: { name: string; version: string };
  /** The editor's trim and titles, made after the clip (absent: the clip as generated). */
  edit?: ClipEdit;
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
  sb: 'storyboard',
  ed: 'edit',
} as const;
type Field = keyof typeof FIELDS;
const REQUIRED: readonly Field[] = ['v', 'p', 'd', 'a', 'r', 'st', 's', 'n', 'm', 'mv'];

const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const MODEL_VERSION = /^[a-z0-9][a-z0-9._-]{0,31}$/i;

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
  // A storyboard as its text ("0–4 s: …" a line), read back by the same parser as the CLI's files.
  if (settings.storyboard) params.set('sb', storyboardText(settings.storyboard, settings.durationSeconds));
  // The edit as JSON of fixed fields, read back field by field (editFromLink).
  if (shared.edit) params.set('ed', JSON.stringify(shared.edit));
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
    case 'edit':
      return origin.shareable ? null : 'This clip was edited from a clip that a link cannot carry (made from pictures or other clips), so there is no share link for it. Download the MP4 to share it.';
    default:
      return null;
  }
}

/** Whether a fragment is meant as a share link at all (anything else in the fragment is left alone). */
export function looksLikeShareLink(fragment: string): boolean {
  return /^#?v=/.test(fragment);
}

/**
 * Parses and checks a fragment ("#v=1&p=…", with or without the '#'). Its settings go through the
 * create form's own check (settingsProblems) against `limits`: ANY_MODEL by default, since a link
 * may be for another model than the loaded one (the form then fits it to the loaded model).
 */
export function decodeShareLink(fragment: string, limits: RequestLimits = ANY_MODEL): ShareLinkResult {
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

  const errors = fieldErrors(params);
  if (errors.length > 0) return { ok: false, errors };

  const get = (key: Field) => params.get(key) ?? '';
  if (get('v') !== SHARE_LINK_VERSION) errors.push(`The link is of version “${shorten(get('v'))}”, which this app cannot read (it reads version ${SHARE_LINK_VERSION}).`);

  // Numbers are read from plain decimal text only; anything else reaches the check as the text
  // it was, which the check refuses and shows.
  const settings: UncheckedSettings = {
    prompt: normalizePrompt(get('p')),
    durationSeconds: decimalFromText(get('d')),
    aspect: get('a'),
    shortSide: decimalFromText(get('r')),
    style: get('st'),
    seed: decimalFromText(get('s')),
    steps: decimalFromText(get('n')),
    guidance: params.has('g') ? decimalFromText(get('g')) : null,
  };
  if (params.has('sb')) {
    // The storyboard's text through the one parser; its segments then through the form's check
    // with the rest (times against the duration, every segment's prompt by the prompt's rule).
    const parsed = parseStoryboardText(get('sb'));
    if (!parsed.ok) errors.push(...parsed.errors.map((error) => `The storyboard: ${error}`));
    else {
      const { segments, endSeconds } = parsed.storyboard;
      if (endSeconds !== null && endSeconds !== settings.durationSeconds) {
        errors.push(`The storyboard ends at ${endSeconds} s but the link's duration is ${shorten(get('d'))} s.`);
      }
      settings.storyboard = segments;
    }
  }
  errors.push(...settingsProblems(settings, limits));
  const name = get('m');
  const version = get('mv');
  if (!MODEL_NAME.test(name)) errors.push(`The model name “${shorten(name)}” is not a model name (letters, digits, . _ - only).`);
  if (!MODEL_VERSION.test(version)) errors.push(`The model version “${shorten(version)}” is not a version (letters, digits, . _ - only).`);

  const starts = ((settings.storyboard ?? []) as { at: number }[]).map((s) => s.at);
  const edit = params.has('ed') ? editFromLink(get('ed'), Number(settings.durationSeconds), starts, errors) : null;
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, shared: { settings: settings as ClipSettings, model: { name, version }, ...(edit && { edit }) } };
}

/**
 * A link's edit: JSON whose known fields only are copied into a fresh object, then through the
 * one edit check (edit_check.mjs) against the clip's length; problems go into `errors`.
 */
function editFromLink(text: string, seconds: number, segmentStarts: number[], errors: string[]): ClipEdit | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    errors.push('The link\'s edit could not be read.');
    return null;
  }
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const trim = (typeof r.trim === 'object' && r.trim !== null ? r.trim : {}) as Record<string, unknown>;
  const titles = Array.isArray(r.titles) ? r.titles : null;
  if (!titles) {
    errors.push('The link\'s edit has no list of titles.');
    return null;
  }
  const edit = {
    trim: { start: trim.start, end: trim.end },
    titles: titles.map((t: unknown) => {
      const f = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
      return { text: f.text, from: f.from, to: f.to, position: f.position, font: f.font, size: f.size, colour: f.colour, fade: f.fade };
    }),
  };
  const problems = [
    ...cutProblems([seconds], [edit.trim], undefined).map((p) => p.replace(/^Clip 1's trim/, 'The link\'s trim')),
    ...titleProblems(edit.titles, null),
  ];
  // A crossfade joins a storyboard's segments: checked on the parts it would join.
  if (r.crossfade !== undefined && problems.length === 0) {
    if (segmentStarts.length < 2) problems.push('The link\'s edit has a crossfade, but its clip is not a storyboard of two segments or more.');
    else if (typeof r.crossfade !== 'number' || !(r.crossfade > 0)) problems.push('The link\'s crossfade must be a number of seconds above 0.');
    else {
      const { parts, transitions } = storyboardParts(segmentStarts, edit.trim as { start: number; end: number }, r.crossfade as number);
      problems.push(...cutProblems(parts.map(() => seconds), parts, parts.length > 1 ? transitions : undefined).map((p) => `The link's edit: ${p}`));
    }
  }
  errors.push(...problems);
  if (problems.length > 0) return null;
  return (r.crossfade === undefined ? edit : { ...edit, crossfade: r.crossfade }) as ClipEdit;
}

/**
 * Unknown, repeated and missing fields: one line for each kind of problem, however many fields
 * have it, so a link of a thousand repeated keys gives three lines, not a thousand.
 */
function fieldErrors(params: URLSearchParams): string[] {
  const unknown = new Set<string>();
  const repeated = new Set<Field>();
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (!Object.hasOwn(FIELDS, key)) unknown.add(key);
    else if (seen.has(key)) repeated.add(key as Field);
    seen.add(key);
  }
  const missing = REQUIRED.filter((key) => !params.has(key));
  const errors: string[] = [];
  if (unknown.size > 0) {
    const names = listed([...unknown].map((key) => `“${shorten(key)}”`), MAX_NAMES_LISTED);
    errors.push(`The link has ${unknown.size === 1 ? 'a field' : `${unknown.size} fields`} this app does not use (${names}).`);
  }
  if (repeated.size > 0) errors.push(`The link gives the ${listed([...repeated].map((key) => FIELDS[key]))} more than once.`);
  if (missing.length > 0) errors.push(`The link has no ${listed(missing.map((key) => FIELDS[key]))}.`);
  return errors;
}

/** "a", "a and b", "a, b and c"; past `max` items, "a, b, c, d, e and 7 more". */
function listed(items: string[], max = Infinity): string {
  const shownItems = items.length > max ? [...items.slice(0, max), `${items.length - max} more`] : items;
  return shownItems.length === 1 ? shownItems[0]! : `${shownItems.slice(0, -1).join(', ')} and ${shownItems.at(-1)!}`;
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

/** Echoes untrusted text in a message without letting a huge value flood the page. */
function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}
