import { describe, expect, it } from 'vitest';
import { describeDownload, estimateSecondsLeft, formatEta, jobWindowCount, ProgressTracker, windowCount } from '../../../src/app/progress_text.ts';
import { planClip } from '../../../src/sampler/given_frames.ts';
import { windowPlan } from '../../../src/sampler/generate_clip.ts';
import type { JobProgress, Phase } from '../../../src/worker/api.ts';

describe('progress in words', () => {
  it('counts windows exactly as the engine plans them', () => {
    for (const [latentFrames, contextLatentFrames] of [[2, 1], [4, 1], [5, 2], [8, 0]] as const) {
      for (let frames = 1; frames <= 100; frames++) {
        expect(windowCount(frames, { latentFrames, contextLatentFrames })).toBe(windowPlan(frames, 1, latentFrames, contextLatentFrames).windows);
      }
    }
  });

  it('names the window and step from the engine\'s step events', () => {
    // 8 frames with windows of 2 latent frames and 1 of context: 7 windows of 2 steps.
    const tracker = new ProgressTracker(2, { latentFrames: 2, contextLatentFrames: 1 }, 0);
    const event = (phase: Phase, fraction: number, framesDone = 0): JobProgress => ({ phase, fraction, framesDone, framesTotal: 8 });
    expect(tracker.update(event('text', 0), 0).label).toBe('Reading the prompt');
    expect(tracker.update(event('denoising', 0.06), 500).label).toBe('Denoising: window 1 of 7, step 1 of 2');
    expect(tracker.update(event('denoising', 0.11), 1000).label).toBe('Denoising: window 1 of 7, step 2 of 2');
    expect(tracker.update(event('decoding', 0.12), 1100).label).toBe('Decoding window 1 of 7 into frames');
    expect(tracker.update(event('encoding', 0.14, 2), 1200).label).toBe('Encoding the MP4: 2 of 8 frames');
    const view = tracker.update(event('denoising', 0.2, 2), 2000);
    expect(view.label).toBe('Denoising: window 2 of 7, step 1 of 2');
    expect(view.etaSeconds).toBeCloseTo(8, 5); // 2 s for 20 %
  });

  it('counts an extension\'s windows over the new frames and the carried-over context, as the engine plans them', () => {
    for (const [latentFrames, contextLatentFrames] of [[2, 1], [4, 1], [5, 2], [8, 0]] as const) {
      for (const earlier of [1, 3, 8]) {
        for (let frames = 1; frames <= 40; frames++) {
          const lead = Math.min(contextLatentFrames, earlier);
          const planned = planClip({ frames, windowFrames: latentFrames, contextFrames: contextLatentFrames, lead }).windows.length;
          expect(jobWindowCount({ framesTotal: earlier + frames, earlierFrames: earlier }, { latentFrames, contextLatentFrames })).toBe(planned);
        }
      }
    }
  });

  it('says it reads the earlier clip while its frames stream, then counts the new windows only', () => {
    // Extending an 8-frame clip by 8 frames: 16 in all, 8 windows (not 15: the old frames are not generated).
    const tracker = new ProgressTracker(1, { latentFrames: 2, contextLatentFrames: 1 }, 0);
    const event = (phase: Phase, framesDone: number): JobProgress => ({ phase, fraction: 0, framesDone, framesTotal: 16, earlierFrames: 8 });
    expect(tracker.update(event('text', 0), 0).label).toBe('Reading the earlier clip: 0 of 8 frames');
    expect(tracker.update(event('encoding', 5), 0).label).toBe('Reading the earlier clip: 5 of 8 frames');
    expect(tracker.update(event('denoising', 8), 0).label).toBe('Denoising: window 1 of 8, step 1 of 1');
    expect(tracker.update(event('encoding', 9), 0).label).toBe('Encoding the MP4: 9 of 16 frames');
  });

  it('estimates time left only once there is something to go on', () => {
    expect(estimateSecondsLeft(0.01, 10)).toBeNull();
    expect(estimateSecondsLeft(0.5, 0.2)).toBeNull();
    expect(estimateSecondsLeft(0.25, 3)).toBeCloseTo(9, 6);
    expect(formatEta(null)).toBe('estimating time left…');
    expect(formatEta(1)).toBe('almost done');
    expect(formatEta(42.4)).toBe('about 42 s left');
    expect(formatEta(600)).toBe('about 10 min left');
  });

  it('describes a model download with size, speed and time left', () => {
    const text = describeDownload({ file: 'dit.safetensors', fileIndex: 1, fileCount: 3, loadedBytes: 1_000_000, totalBytes: 3_000_000, bytesPerSecond: 500_000 });
    expect(text).toBe('1.0 of 3.0 MB · 500 kB/s · about 4 s left');
  });
});
