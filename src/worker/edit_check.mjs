// @ts-check
// The one check of an edit: titles drawn over a clip, trims, and transitions between clips (or a
// storyboard's segments). The page, share links, the CLI and the engine all refuse what this
// refuses, with these messages. Plain JavaScript with JSDoc types, so the CLI runs it too.
//
// Title text is text: it is drawn with a canvas's fillText, which never reads markup, and it is
// refused when it looks like markup (< or >) or holds control characters, so that what a person
// reads in the editor, the history and the provenance record is exactly what is drawn.
import { normalizePrompt } from '../model/prompt_text.mjs';

export const MAX_TITLE_CHARS = 200;
export const MAX_TITLES = 20;
export const TITLE_FONTS = /** @type {const} */ (['sans', 'serif', 'mono']);
export const TITLE_POSITIONS = /** @type {const} */ (['top', 'middle', 'bottom']);
/** Title size as a share of the frame's height. */
export const MIN_TITLE_SIZE = 0.04;
export const MAX_TITLE_SIZE = 0.5;
export const MAX_FADE_SECONDS = 5;
export const MAX_CROSSFADE_SECONDS = 5;

const FORBIDDEN_IN_TITLE = /[\u0000-\u001f\u007f-\u009f<>]/;
const COLOUR = /^#[0-9a-f]{6}$/i;

/**
 * @typedef {{ text: string, from: number, to: number, position: typeof TITLE_POSITIONS[number], font: typeof TITLE_FONTS[number],
 *   size: number, colour: string, fade: number }} Title
 * @typedef {{ kind: 'cut' } | { kind: 'crossfade', seconds: number }} Transition
 * @typedef {{ start: number, end: number }} Trim seconds of the clip kept: [start, end)
 */

/** @param {unknown} value */
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

/**
 * @param {unknown} value
 */
function quoted(value) {
  const text = String(value);
  return `"${text.length > 24 ? `${text.slice(0, 24)}…` : text}"`;
}

/**
 * Everything wrong with a list of titles over a clip of `durationSeconds` (null: not known yet).
 * @param {unknown} titles
 * @param {number | null} durationSeconds
 * @returns {string[]}
 */
export function titleProblems(titles, durationSeconds) {
  if (!Array.isArray(titles)) return ['The titles must be a list.'];
  if (titles.length > MAX_TITLES) return [`There are ${titles.length} titles; at most ${MAX_TITLES}.`];
  /** @type {string[]} */
  const problems = [];
  for (const [k, given] of titles.entries()) {
    const t = /** @type {Record<string, unknown>} */ (typeof given === 'object' && given !== null ? given : {});
    const name = `Title ${k + 1}`;
    if (typeof t.text !== 'string') {
      problems.push(`${name} must have text.`);
      continue;
    }
    const text = normalizePrompt(t.text);
    if (text === '') problems.push(`${name} is empty: type its text.`);
    else if (text.length > MAX_TITLE_CHARS) problems.push(`${name} is too long (${text.length} characters; at most ${MAX_TITLE_CHARS}).`);
    else if (FORBIDDEN_IN_TITLE.test(text)) {
      problems.push(`${name} (${quoted(text)}) contains markup or control characters (such as < or >): titles are drawn as plain text, so write the words alone.`);
    }
    if (!isNumber(t.from) || !isNumber(t.to) || /** @type {number} */ (t.from) < 0 || /** @type {number} */ (t.to) <= /** @type {number} */ (t.from)) {
      problems.push(`${name} must start at 0 s or later and end after it starts (got ${quoted(t.from)} to ${quoted(t.to)}).`);
    } else if (durationSeconds !== null && /** @type {number} */ (t.from) >= durationSeconds) {
      problems.push(`${name} starts at ${t.from} s, after the clip (${durationSeconds} s) has ended.`);
    }
    if (!TITLE_POSITIONS.includes(/** @type {any} */ (t.position))) problems.push(`${name}'s position must be one of ${TITLE_POSITIONS.join(', ')} (got ${quoted(t.position)}).`);
    if (!TITLE_FONTS.includes(/** @type {any} */ (t.font))) problems.push(`${name}'s font must be one of ${TITLE_FONTS.join(', ')} (got ${quoted(t.font)}).`);
    if (!isNumber(t.size) || /** @type {number} */ (t.size) < MIN_TITLE_SIZE || /** @type {number} */ (t.size) > MAX_TITLE_SIZE) {
      problems.push(`${name}'s size must be from ${MIN_TITLE_SIZE} to ${MAX_TITLE_SIZE} of the frame's height (got ${quoted(t.size)}).`);
    }
    if (typeof t.colour !== 'string' || !COLOUR.test(t.colour)) problems.push(`${name}'s colour must be #rrggbb (got ${quoted(t.colour)}).`);
    if (!isNumber(t.fade) || /** @type {number} */ (t.fade) < 0 || /** @type {number} */ (t.fade) > MAX_FADE_SECONDS) {
      problems.push(`${name}'s fade must be from 0 to ${MAX_FADE_SECONDS} s (got ${quoted(t.fade)}).`);
    }
  }
  return problems;
}

/**
 * Everything wrong with trims and transitions for clips of the given lengths (seconds).
 * `trims[i]` keeps [start, end) of clip i; `transitions[i]` joins clip i and clip i + 1.
 * @param {readonly number[]} clipSeconds
 * @param {unknown} trims
 * @param {unknown} transitions
 * @returns {string[]}
 */
export function cutProblems(clipSeconds, trims, transitions) {
  /** @type {string[]} */
  const problems = [];
  /** @type {number[]} */
  const kept = [...clipSeconds];
  if (trims !== undefined) {
    if (!Array.isArray(trims) || trims.length !== clipSeconds.length) return [`Give one trim for each of the ${clipSeconds.length} clips.`];
    for (const [i, given] of trims.entries()) {
      const trim = /** @type {Record<string, unknown>} */ (typeof given === 'object' && given !== null ? given : {});
      const length = /** @type {number} */ (clipSeconds[i]);
      const [start, end] = [trim.start, trim.end];
      if (!isNumber(start) || !isNumber(end) || /** @type {number} */ (start) < 0 || /** @type {number} */ (end) > length + 1e-9 || /** @type {number} */ (end) <= /** @type {number} */ (start)) {
        problems.push(`Clip ${i + 1}'s trim must keep a part of its ${length} s: a start from 0 and an end after it, at most ${length} s (got ${quoted(start)} to ${quoted(end)}).`);
      } else kept[i] = /** @type {number} */ (end) - /** @type {number} */ (start);
    }
  }
  if (transitions !== undefined) {
    if (!Array.isArray(transitions) || transitions.length !== clipSeconds.length - 1) return [...problems, `Give one transition between each two clips (${clipSeconds.length - 1}).`];
    for (const [i, given] of transitions.entries()) {
      const t = /** @type {Record<string, unknown>} */ (typeof given === 'object' && given !== null ? given : {});
      if (t.kind === 'cut') continue;
      if (t.kind !== 'crossfade') {
        problems.push(`Transition ${i + 1} must be a cut or a crossfade (got ${quoted(t.kind)}).`);
        continue;
      }
      const seconds = t.seconds;
      const room = Math.min(/** @type {number} */ (kept[i]), /** @type {number} */ (kept[i + 1]), MAX_CROSSFADE_SECONDS);
      if (!isNumber(seconds) || /** @type {number} */ (seconds) <= 0 || /** @type {number} */ (seconds) > room) {
        problems.push(`The crossfade between clips ${i + 1} and ${i + 2} must last more than 0 s and at most ${Number(room.toFixed(3))} s (the shorter clip, at most ${MAX_CROSSFADE_SECONDS} s; got ${quoted(seconds)}).`);
      }
    }
  }
  return problems;
}

/**
 * The parts of one clip an edit keeps, and how they join: the trim, cut at the storyboard's
 * segment starts inside it when a crossfade joins the segments (the page's editor, share links and
 * the CLI's --crossfade make the same parts). `segmentStarts`: seconds, ascending from 0 (fewer
 * than two: no storyboard); `crossfadeSeconds` absent: the trim as one part, no transitions. A
 * crossfade length is passed on as given, so that cutProblems refuses a bad one (0, NaN) in words.
 * @param {readonly number[]} segmentStarts
 * @param {{ start: number, end: number }} trim
 * @param {number | undefined} crossfadeSeconds
 * @returns {{ parts: { start: number, end: number }[], transitions: Transition[] }}
 */
export function storyboardParts(segmentStarts, trim, crossfadeSeconds) {
  if (crossfadeSeconds === undefined || segmentStarts.length < 2) return { parts: [{ start: trim.start, end: trim.end }], transitions: [] };
  const edges = [trim.start, ...segmentStarts.filter((at) => at > trim.start && at < trim.end), trim.end];
  const parts = edges.slice(1).map((end, k) => ({ start: /** @type {number} */ (edges[k]), end }));
  return { parts, transitions: parts.slice(1).map(() => /** @type {Transition} */ ({ kind: 'crossfade', seconds: crossfadeSeconds })) };
}
