// The create form's storyboard: its text box ↔ ClipSettings.storyboard. The text is read by the
// one parser (worker/storyboard.mjs); its segments and end become the settings the form checks
// and sends, and settings that carry a storyboard (a remix, a share link) fill the box again.
import type { ClipSettings } from './clip_settings.ts';
import { parseStoryboardText, storyboardText } from '../worker/storyboard.mjs';

/** Seconds a segment added by Extend is given to begin with. */
export const ADDED_SEGMENT_SECONDS = 4;

/**
 * The settings to run: with the box on, its segments (the prompt is then the first segment's, the
 * duration the last line's end when it gives one); with it off, no storyboard. Or what is wrong.
 */
export function withStoryboard(settings: ClipSettings, enabled: boolean, text: string): { ok: true; settings: ClipSettings } | { ok: false; errors: string[] } {
  const { storyboard: _ignored, ...plain } = settings;
  if (!enabled) return { ok: true, settings: plain };
  const parsed = parseStoryboardText(text);
  if (!parsed.ok) return { ok: false, errors: parsed.errors.map((error) => `The storyboard: ${error}`) };
  const { segments, endSeconds } = parsed.storyboard;
  return {
    ok: true,
    settings: { ...plain, prompt: segments[0]!.prompt, durationSeconds: endSeconds ?? settings.durationSeconds, storyboard: segments },
  };
}

/** The box's state for settings: on with the storyboard's text, or off (the text left as it was). */
export function storyboardBoxFor(settings: ClipSettings, currentText: string): { enabled: boolean; text: string } {
  return settings.storyboard
    ? { enabled: true, text: storyboardText(settings.storyboard, settings.durationSeconds) }
    : { enabled: false, text: currentText };
}

/** Extending a storyboard: its text with a new segment line after the last, for the person to describe. */
export function extendedStoryboardText(settings: ClipSettings & { storyboard: NonNullable<ClipSettings['storyboard']> }): string {
  const end = settings.durationSeconds;
  return `${storyboardText(settings.storyboard, end)}\n${Number(end.toFixed(6))}–${Number((end + ADDED_SEGMENT_SECONDS).toFixed(6))} s: `;
}
