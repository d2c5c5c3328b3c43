// The create form's check, also run on a share link's settings: the request the form would send
// (generateRequest) through the one request check (request_check.mjs), plus the two settings the
// engine never sees (the style is already in the prompt; guidance is the form's own). Generate
// and its keyboard shortcut both come here, so neither can start what the other refuses.
import { normalizePrompt } from '../model/prompt_text.mjs';
import { requestProblems, shown, type RequestLimits } from '../worker/request_check.mjs';
import { generateRequest, STYLES, type ClipSettings } from './clip_settings.ts';

export const MAX_GUIDANCE = 20;

/** Settings as they arrive from outside (a link, a form field): each value still to be checked. */
export type UncheckedSettings = { [K in keyof ClipSettings]: K extends 'prompt' | 'style' ? string : unknown };

/** Every problem with `settings` for a model with `limits`, as messages; empty when they may run. */
export function settingsProblems(settings: UncheckedSettings, limits: RequestLimits): string[] {
  // generateRequest only copies values, so unchecked ones reach the check as they are.
  const messages = requestProblems(generateRequest(settings as ClipSettings), limits).map((p) => p.message);
  if (!(STYLES as readonly string[]).includes(settings.style)) {
    messages.push(`The style must be one of ${STYLES.join(', ')} (got ${shown(settings.style)}).`);
  }
  const guidance = settings.guidance;
  if (guidance !== null && !(typeof guidance === 'number' && guidance >= 0 && guidance <= MAX_GUIDANCE)) {
    messages.push(`The guidance must be a number from 0 to ${MAX_GUIDANCE} (got ${shown(guidance)}).`);
  }
  return messages;
}

/** The settings a clip is made and recorded with: the prompt as every check reads it. */
export function settingsToRun(settings: ClipSettings): ClipSettings {
  const { storyboard, ...rest } = settings;
  return {
    ...rest,
    prompt: normalizePrompt(settings.prompt),
    ...(storyboard && { storyboard: storyboard.map(({ at, prompt }) => ({ at, prompt: normalizePrompt(prompt) })) }),
  };
}
