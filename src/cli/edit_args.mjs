// @ts-check
// The command line's edits of the clip it makes: --title (repeatable), --trim, --crossfade
// (between a storyboard's segments). They are checked here by the one edit check
// (worker/edit_check.mjs) before anything is built, and become the engine's EditRequest in the
// page (browser_run.mjs), run on the generated clip; the engine checks them again in its frames.
import { decimalFromText } from '../worker/request_check.mjs';
import { cutProblems, storyboardParts, titleProblems } from '../worker/edit_check.mjs';
import { parseStoryboardText } from '../worker/storyboard.mjs';

/** How a --title is drawn; the command line sets its text and times only. */
export const CLI_TITLE_STYLE = /** @type {const} */ ({ position: 'bottom', font: 'sans', size: 0.12, colour: '#ffffff', fade: 0 });

/**
 * @typedef {import('../worker/edit_check.mjs').Title} Title
 * @typedef {import('../worker/edit_check.mjs').Transition} Transition
 * @typedef {{ parts: { start: number, end: number }[], transitions: Transition[], titles: Title[] }} CliEdit
 *   the generated clip cut into parts (seconds), joined by the transitions, titles over the result
 */

/**
 * A --title value, "0.5–2 s: The end", as a title (text and times as written, the CLI's style).
 * @param {string} value
 * @param {(message: string) => Error} usage
 * @returns {Title}
 */
export function titleFromArg(value, usage) {
  // The storyboard's line reader: the same "from–to s: text" a segment is written as.
  const parsed = parseStoryboardText(value.includes('\n') ? '' : value);
  const line = parsed.ok ? parsed.storyboard : null;
  if (!line || line.endSeconds === null) throw usage(`--title must be "from–to s: text", e.g. --title "0–2 s: The end" (got "${value.slice(0, 40)}").`);
  return { text: /** @type {string} */ (line.segments[0]?.prompt), from: /** @type {number} */ (line.segments[0]?.at), to: line.endSeconds, ...CLI_TITLE_STYLE };
}

/**
 * The edit the options ask for, or null for none. `segments`: the storyboard's starts (seconds)
 * when there is one; `seconds`: the clip's length.
 * @param {{ titles: Title[], trim: string | undefined, crossfade: string | undefined }} given
 * @param {number[] | null} segments
 * @param {number} seconds
 * @param {(message: string) => Error} usage
 * @returns {CliEdit | null}
 */
export function editFromArgs(given, segments, seconds, usage) {
  if (given.titles.length === 0 && given.trim === undefined && given.crossfade === undefined) return null;
  /** @type {{ start: number, end: number }[]} */
  let parts = [{ start: 0, end: seconds }];
  /** @type {Transition[]} */
  let transitions = [];
  if (given.trim !== undefined) {
    const match = /^([\d.]+)\s*[-–—]\s*([\d.]+)$/.exec(given.trim);
    const [start, end] = match ? [decimalFromText(/** @type {string} */ (match[1])), decimalFromText(/** @type {string} */ (match[2]))] : [NaN, NaN];
    if (typeof start !== 'number' || typeof end !== 'number' || Number.isNaN(start)) throw usage(`--trim must be "start-end" in seconds, e.g. --trim 0.5-3 (got "${given.trim}").`);
    parts = [{ start, end }];
  }
  if (given.crossfade !== undefined) {
    if (!segments || segments.length < 2) throw usage('--crossfade joins a storyboard\'s segments: give a storyboard of two segments or more.');
    if (given.trim !== undefined) throw usage('Give --trim or --crossfade, not both.');
    const length = decimalFromText(given.crossfade);
    ({ parts, transitions } = storyboardParts(segments, { start: 0, end: seconds }, /** @type {number} */ (length)));
  }
  const problems = [
    ...cutProblems(parts.map(() => seconds), parts, parts.length > 1 ? transitions : undefined).map((p) => p.replace(/^Clip 1's trim/, '--trim')),
    ...titleProblems(given.titles, null).map((p) => p.replace(/^Title (\d+)/, '--title $1')),
  ];
  if (problems.length > 0) throw usage(problems.join('\n'));
  return { parts, transitions, titles: given.titles };
}
