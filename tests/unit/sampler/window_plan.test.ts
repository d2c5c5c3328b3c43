import { describe, expect, it } from 'vitest';
import { windowPlan } from '../../../src/sampler/generate_clip.ts';

describe('windowPlan (the chunk contract)', () => {
  it('makes one window for a clip no longer than a window', () => {
    expect(windowPlan(0.25, 8, 2, 1)).toEqual({ windows: 1, frames: 2 });
    expect(windowPlan(0.1, 8, 4, 1)).toEqual({ windows: 1, frames: 1 });
  });

  it('adds windows of (window − context) new frames until the duration is covered', () => {
    expect(windowPlan(0.5, 8, 2, 1)).toEqual({ windows: 3, frames: 4 });
    // zoetrope-s: windows of 4 latent frames, 1 of context, 12 fps: 60 s = 720 frames.
    expect(windowPlan(60, 12, 4, 1)).toEqual({ windows: 1 + Math.ceil((720 - 4) / 3), frames: 720 });
  });
});
