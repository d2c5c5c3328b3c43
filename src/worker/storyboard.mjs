// @ts-check
// A storyboard: one clip told as timed segments, each with its own prompt ("0–4 s: a red ball
// rolls right", "4–8 s: it bounces on a sunset"…). A request carries it in one canonical form,
// the start of each segment and its prompt, in order; each segment runs until the next one starts
// and the last until the clip ends (durationSeconds), so a request cannot describe overlaps or gaps.
// The storyboard text people write (a file for the CLI, the form's box, a share link) may give an
// end for every segment; parseStoryboardText reads it into the canonical form and says clearly
// what is wrong with it (overlaps, gaps, empty segments).
//
// The check of a request's storyboard (storyboardProblems) is part of the one request check
// (request_check.mjs); it is plain JavaScript so the command line runs the same code.
import { normalizePrompt } from '../model/prompt_text.mjs';

/** More segments than a minute of video sensibly holds, and few enough that a share link stays short. */
export const MAX_SEGMENTS = 12;

/**
 * @typedef {{ at: number, prompt: string }} StoryboardSegment
 * @typedef {{ segments: StoryboardSegment[], endSeconds: number | null }} ParsedStoryboard
 */

/** "4", "4.5", "4,5" is not a number here: plain decimals, as the rest of the request check reads them. */
const SECONDS = String.raw`(\d{1,4}(?:\.\d{1,6})?)\s*s?`;
// "0–4 s: prompt", "0-4: prompt", "0 s – 4 s: prompt", "4 s: prompt" (no end: it runs to the next one).
const LINE = new RegExp(String.raw`^${SECONDS}(?:\s*[-–—]\s*${SECONDS})?\s*:\s*(.*)$`);

/**
 * Seconds as people read them in messages: "4 s", "0.25 s".
 * @param {number} seconds
 */
export const secondsText = (seconds) => `${Number(seconds.toFixed(6))} s`;

/**
 * Reads storyboard text: one segment a line, `start[–end] [s]: prompt`; blank lines and lines
 * starting with # are skipped. Returns the segments (prompts normalised) and the last segment's
 * end (null when it has none: then the clip's duration ends it), or every problem found, one a
 * message.
 * @param {string} text
 * @returns {{ ok: true, storyboard: ParsedStoryboard } | { ok: false, errors: string[] }}
 */
export function parseStoryboardText(text) {
  /** @type {string[]} */
  const errors = [];
  /** @type {{ from: number, to: number | null, prompt: string, line: number }[]} */
  const rows = [];
  const lines = String(text).split(/\r\n|\r|\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) {
      errors.push(`Line ${i + 1} is not a segment: write it as "4–8 s: what happens" (got ${quoted(line)}).`);
      continue;
    }
    rows.push({ from: Number(match[1]), to: match[2] === undefined ? null : Number(match[2]), prompt: normalizePrompt(match[3] ?? ''), line: i + 1 });
  }
  if (errors.length === 0 && rows.length === 0) errors.push('The storyboard has no segments: write one a line, as "0–4 s: what happens".');
  for (const [k, row] of rows.entries()) {
    const next = rows[k + 1];
    const name = `Segment ${k + 1} (line ${row.line})`;
    if (row.to !== null && row.to <= row.from) {
      errors.push(`${name} is empty: it ends at ${secondsText(row.to)}, not after it starts at ${secondsText(row.from)}.`);
      continue;
    }
    if (!next) continue;
    if (next.from < row.from || (next.from === row.from)) {
      errors.push(next.from === row.from
        ? `Segments ${k + 1} and ${k + 2} both start at ${secondsText(row.from)}: segment ${k + 1} would be empty.`
        : `Segments ${k + 1} and ${k + 2} are out of order: segment ${k + 2} starts at ${secondsText(next.from)}, before segment ${k + 1} (${secondsText(row.from)}).`);
    } else if (row.to !== null && next.from < row.to) {
      errors.push(`Segments ${k + 1} and ${k + 2} overlap: segment ${k + 1} runs to ${secondsText(row.to)} but segment ${k + 2} starts at ${secondsText(next.from)}.`);
    } else if (row.to !== null && next.from > row.to) {
      errors.push(`Nothing happens from ${secondsText(row.to)} to ${secondsText(next.from)}: segment ${k + 1} ends before segment ${k + 2} starts. Segments must follow each other without gaps.`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const last = /** @type {{ to: number | null }} */ (rows.at(-1));
  return { ok: true, storyboard: { segments: rows.map(({ from, prompt }) => ({ at: from, prompt })), endSeconds: last.to } };
}

/**
 * The canonical text of a storyboard: what parseStoryboardText reads back to the same segments.
 * @param {readonly StoryboardSegment[]} segments
 * @param {number} endSeconds the clip's duration
 */
export function storyboardText(segments, endSeconds) {
  return segments.map((s, k) => `${rangeText(s.at, segments[k + 1]?.at ?? endSeconds)}: ${s.prompt}`).join('\n');
}

/**
 * "0–4 s"
 * @param {number} from
 * @param {number} to
 */
export const rangeText = (from, to) => `${Number(from.toFixed(6))}–${secondsText(to)}`;

/**
 * The storyboard in one line, for a clip's provenance and anywhere one prompt is shown:
 * "0–4 s: a red ball rolls right; 4–8 s: it bounces".
 * @param {readonly StoryboardSegment[]} segments
 * @param {number} endSeconds
 */
export function storyboardSummary(segments, endSeconds) {
  return storyboardText(segments, endSeconds).split('\n').join('; ');
}

/**
 * The first clip frame of each segment: segment k covers frames [starts[k], starts[k+1]) and the
 * last one until the clip's end (round(durationSeconds · fps), as the sampler counts frames).
 * The sampler's own rule is sampler/given_frames.ts segmentStartFrames (this file runs in plain
 * Node too, so it cannot import it); tests/unit/worker/storyboard.test.ts checks they agree.
 * @param {readonly { at: number }[]} segments
 * @param {number} fps
 */
export const segmentStartFrames = (segments, fps) => segments.map((s) => Math.round(s.at * fps));

/**
 * @param {unknown} value
 */
function quoted(value) {
  const text = String(value);
  return `"${text.length > 24 ? `${text.slice(0, 24)}…` : text}"`;
}

/**
 * Everything wrong with a request's storyboard, as messages; empty when it may run. `checkPrompt`
 * is the request check's own prompt rule (length, markup, the prompt filter), applied to each
 * segment's prompt. `limits` give the frame rate and window (null: any model; checked again when
 * a model is known).
 * @param {unknown} storyboard
 * @param {unknown} durationSeconds
 * @param {{ frameRate: number | null, windowFrames?: number | null }} limits
 * @param {(prompt: unknown) => { message: string, code: string } | null} checkPrompt
 * @param {unknown} prompt the request's own prompt, which must be the first segment's
 * @returns {{ message: string, code: 'bad-request' | 'prompt-refused' }[]}
 */
export function storyboardProblems(storyboard, durationSeconds, limits, checkPrompt, prompt) {
  /** @type {{ message: string, code: 'bad-request' | 'prompt-refused' }[]} */
  const problems = [];
  /** @param {string} message */
  const bad = (message) => problems.push({ message, code: 'bad-request' });
  if (!Array.isArray(storyboard)) {
    bad('The storyboard must be a list of segments, each a start time and a prompt.');
    return problems;
  }
  if (storyboard.length === 0) {
    bad('The storyboard has no segments.');
    return problems;
  }
  if (storyboard.length > MAX_SEGMENTS) {
    bad(`The storyboard has ${storyboard.length} segments; at most ${MAX_SEGMENTS}.`);
    return problems;
  }
  /** @type {number[]} */
  const starts = [];
  for (const [k, segment] of storyboard.entries()) {
    const s = /** @type {Record<string, unknown> | null} */ (typeof segment === 'object' ? segment : null);
    const at = s?.at;
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
      bad(`Segment ${k + 1} must start at a number of seconds, 0 or more (got ${quoted(at)}).`);
      return problems;
    }
    starts.push(at);
    // The first segment's prompt is the request's own, which the request check reads already.
    const problem = k === 0 ? null : checkPrompt(s?.prompt);
    if (problem) problems.push({ message: `Segment ${k + 1} (${quoted(s?.prompt)}): ${problem.message}`, code: problem.code === 'prompt-refused' ? 'prompt-refused' : 'bad-request' });
  }
  const first = /** @type {{ prompt?: unknown }} */ (storyboard[0]);
  if (typeof prompt !== 'string' || typeof first.prompt !== 'string' || normalizePrompt(prompt) !== normalizePrompt(first.prompt)) {
    bad("A storyboard request's prompt must be its first segment's prompt.");
  }
  if (starts[0] !== 0) bad(`The storyboard must start at 0 s (its first segment starts at ${secondsText(/** @type {number} */ (starts[0]))}).`);
  const end = typeof durationSeconds === 'number' && Number.isFinite(durationSeconds) ? durationSeconds : null;
  for (let k = 1; k < starts.length; k++) {
    const [before, at] = [/** @type {number} */ (starts[k - 1]), /** @type {number} */ (starts[k])];
    if (at < before) bad(`Segments ${k} and ${k + 1} overlap: segment ${k + 1} starts at ${secondsText(at)}, before segment ${k} (${secondsText(before)}).`);
    else if (at === before) bad(`Segment ${k} is empty: segment ${k + 1} starts at the same time (${secondsText(at)}).`);
  }
  const last = /** @type {number} */ (starts.at(-1));
  if (end !== null && last >= end) bad(`Segment ${starts.length} is empty: it starts at ${secondsText(last)}, where the clip (${secondsText(end)}) has already ended.`);
  if (problems.length > 0 || end === null || limits.frameRate === null) return problems;

  // In frames, as the sampler makes them: every segment gets at least one, and the first one a
  // whole window (the later windows of a segment are placed to end on its last frame, taking
  // their context from the window before; the first window has no window before it).
  const fps = limits.frameRate;
  const frames = [...segmentStartFrames(storyboard, fps), Math.max(1, Math.round(end * fps))];
  for (let k = 0; k + 1 < frames.length; k++) {
    if (/** @type {number} */ (frames[k + 1]) <= /** @type {number} */ (frames[k])) {
      bad(`Segment ${k + 1} is shorter than one frame (1/${fps} s): make it longer.`);
    }
  }
  const window = limits.windowFrames ?? null;
  if (problems.length === 0 && window !== null && storyboard.length > 1 && /** @type {number} */ (frames[1]) < window) {
    bad(`The first segment must last at least ${secondsText(window / fps)} (one window of ${window} frames at ${fps} fps), so the next one has frames to continue from.`);
  }
  return problems;
}
