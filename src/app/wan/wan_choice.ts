// The Wan panel's choices and words (pure, unit-tested): the models offered, the sizes and lengths,
// and what a download plan says before the person confirms it.
import type { WanDownloadPlan, WanSampler } from '../../worker/api.ts';
import { formatBytes } from '../device/facts.ts';
import { wanFrames } from '../../model/wan_fit.ts';

export const WAN_MODELS: { sampler: WanSampler; name: string; about: string }[] = [
  { sampler: 'self-forcing-4', name: 'Self-Forcing (Wan 2.1 1.3B)', about: '4 steps, frames stream chunk by chunk' },
  { sampler: 'flow-matching-50', name: 'Wan 2.1 T2V 1.3B', about: '50 steps with guidance, the whole clip at once' },
];

/** [height, width] offered: 480p and a smaller size, landscape and portrait. */
export const WAN_SIZES: readonly (readonly [number, number])[] = [
  [480, 832],
  [832, 480],
  [320, 512],
  [512, 320],
];

export const WAN_MIN_SECONDS = 1;
export const WAN_MAX_SECONDS = 10;

/** Frames of `seconds` (whole seconds, 1–10) at Wan's 16 fps. */
export function framesFor(seconds: number): number {
  return wanFrames(Math.min(WAN_MAX_SECONDS, Math.max(WAN_MIN_SECONDS, Math.round(seconds))));
}

/** "Downloads 3.1 GB of 17.2 GB (14.1 GB already kept in this browser)." */
export function describePlan(plan: WanDownloadPlan): string {
  const kept = plan.totalBytes - plan.missingBytes;
  if (plan.missingBytes === 0) return `All ${formatBytes(plan.totalBytes)} are kept in this browser already: nothing to download.`;
  return `Downloads ${formatBytes(plan.missingBytes)}${kept > 0 ? ` of ${formatBytes(plan.totalBytes)} (${formatBytes(kept)} already kept in this browser)` : ''}: ` +
    plan.parts.map((p) => `${p.name} ${formatBytes(p.totalBytes)}`).join(', ') + '.';
}

/** A hub address the engine may fetch from: http(s) only, no trailing slash. */
export function hubAddress(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}
