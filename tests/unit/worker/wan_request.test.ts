// A Wan clip request is checked before anything runs: every problem named at once.
import { describe, expect, it } from 'vitest';
import { validateWanClip } from '../../../src/worker/wan_request.ts';
import type { WanClipRequest } from '../../../src/sampler/wan_clip.ts';

const GOOD: WanClipRequest = { sampler: 'self-forcing-4', prompt: '  a red   ball ', seed: 7, width: 832, height: 480, frames: 81 };

function problems(request: Partial<WanClipRequest> & Record<string, unknown>): string {
  try {
    validateWanClip({ ...GOOD, ...request } as WanClipRequest);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('validateWanClip', () => {
  it('passes Wan-sized requests and normalises the prompt', () => {
    expect(validateWanClip(GOOD).prompt).toBe('a red ball');
    expect(validateWanClip({ ...GOOD, width: 480, height: 832, frames: 161, sampler: 'flow-matching-50', steps: 50, guidance: 5 }).frames).toBe(161);
  });

  it('names each problem: size, frames, sampler, seed, steps, guidance', () => {
    const message = problems({ width: 100, height: 1024, frames: 80, sampler: 'ddim' as never, seed: -1, steps: 0, guidance: 30 });
    for (const words of ['width must be a multiple of 16', 'height must be a multiple of 16', '4k + 1 frames', 'sampler must be one of', 'seed must be', 'Steps must be', 'Guidance must be']) {
      expect(message).toContain(words);
    }
  });

  it('refuses more pixels than 480p and more than 10 s', () => {
    expect(problems({ width: 832, height: 832 })).toContain('larger than');
    expect(problems({ frames: 165 })).toContain('at most 161');
  });

  it('refuses an empty prompt and markup, with the app-wide prompt rules', () => {
    expect(problems({ prompt: '   ' })).toContain('Type a prompt');
    expect(problems({ prompt: 'a <script> ball' })).toContain('markup');
  });
});
