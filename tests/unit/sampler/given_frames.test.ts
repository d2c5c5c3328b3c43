// The plan of given frames per window: text-to-video (agrees with windowPlan), image-to-video,
// extension and in-betweening, checked window by window and by invariants over many sizes.
import { describe, expect, it } from 'vitest';
import { windowPlan } from '../../../src/sampler/generate_clip.ts';
import { givenMask, placeGivenFrames, planClip, type ClipPlan, type PlanRequest } from '../../../src/sampler/given_frames.ts';

/** What each clip position ends up as: the window and window position it is emitted from. */
function emittedPositions(plan: ClipPlan): number[] {
  const out: number[] = [];
  for (const w of plan.windows) for (let p = w.emitFrom; p < w.emitFrom + w.emitCount; p++) out.push(w.start + p);
  return out;
}

/** The invariants every plan keeps, whatever is given. */
function checkInvariants(request: PlanRequest, plan: ClipPlan, windowFrames: number) {
  // Every new frame exactly once, in order.
  expect(emittedPositions(plan)).toEqual(Array.from({ length: request.frames }, (_, i) => i));
  for (const [w, window] of plan.windows.entries()) {
    // Context frames are the previous window's last frames, already emitted, never emitted again.
    if (w > 0) {
      const previous = plan.windows[w - 1]!;
      expect(window.start + window.context).toBe(Math.min(previous.start + windowFrames, request.frames));
      expect(window.start).toBeGreaterThan(previous.start);
      expect(window.context).toBeGreaterThanOrEqual(request.contextFrames);
      expect(window.context).toBeLessThan(windowFrames);
    } else {
      expect(window.context).toBe(0);
    }
    expect(window.emitFrom).toBeGreaterThanOrEqual(window.context);
    expect(window.emitFrom + window.emitCount).toBeLessThanOrEqual(windowFrames);
    for (const g of window.given) {
      expect(g.position).toBeGreaterThanOrEqual(window.context);
      expect(g.position).toBeLessThan(windowFrames);
    }
    expect(new Set(window.given.map((g) => g.position)).size).toBe(window.given.length);
  }
  const all = plan.windows.flatMap((w) => w.given.map((g) => ({ at: w.start + g.position, kind: g.source.kind })));
  if (request.startImage) expect(all.filter((g) => g.kind === 'start')).toEqual([{ at: 0, kind: 'start' }]);
  if (request.endImage) {
    expect(all.filter((g) => g.kind === 'end')).toEqual([{ at: request.frames - 1, kind: 'end' }]);
    // In the last window, and at its last frame whenever the clip is longer than that window.
    const last = plan.windows.at(-1)!;
    expect(last.given.some((g) => g.source.kind === 'end')).toBe(true);
    if (plan.windows.length > 1) expect(last.start + windowFrames).toBe(request.frames);
  }
  const lead = request.lead ?? 0;
  expect(all.filter((g) => g.kind === 'lead').map((g) => g.at)).toEqual(Array.from({ length: lead }, (_, i) => i - lead));
}

describe('planClip', () => {
  it('with nothing given is the chunk contract: the same windows as windowPlan, cut to length', () => {
    for (const [frames, W, C] of [[2, 2, 1], [4, 2, 1], [1, 4, 1], [720, 4, 1], [10, 5, 2], [11, 5, 2]] as const) {
      const plan = planClip({ frames, windowFrames: W, contextFrames: C });
      expect(plan.windows).toHaveLength(windowPlan(frames / 8, 8, W, C).windows);
      expect(plan.windows.every((w) => w.given.length === 0)).toBe(true);
      expect(plan.windows.slice(1).every((w) => w.context === C)).toBe(true);
    }
    // tiny-test, 0.5 s: windows of 2 with 1 of context at clip positions 0, 1, 2.
    expect(planClip({ frames: 4, windowFrames: 2, contextFrames: 1 }).windows).toEqual([
      { start: 0, context: 0, given: [], emitFrom: 0, emitCount: 2 },
      { start: 1, context: 1, given: [], emitFrom: 1, emitCount: 1 },
      { start: 2, context: 1, given: [], emitFrom: 1, emitCount: 1 },
    ]);
  });

  it('image-to-video gives the image at frame 0 of window 0 only', () => {
    const plan = planClip({ frames: 7, windowFrames: 4, contextFrames: 1, startImage: true });
    expect(plan.windows[0]).toEqual({ start: 0, context: 0, given: [{ position: 0, source: { kind: 'start' } }], emitFrom: 0, emitCount: 4 });
    expect(plan.windows.slice(1).every((w) => w.given.length === 0)).toBe(true);
  });

  it('in-betweening moves the last window back so that it ends exactly on the end image', () => {
    // 4 frames, windows of 4 with 1 of context, 9 frames: the plain plan's last window would run to 10.
    const plan = planClip({ frames: 9, windowFrames: 4, contextFrames: 1, startImage: true, endImage: true });
    expect(plan.windows).toEqual([
      { start: 0, context: 0, given: [{ position: 0, source: { kind: 'start' } }], emitFrom: 0, emitCount: 4 },
      { start: 3, context: 1, given: [], emitFrom: 1, emitCount: 3 },
      { start: 5, context: 2, given: [{ position: 3, source: { kind: 'end' } }], emitFrom: 2, emitCount: 2 },
    ]);
    // tiny-test, 0.5 s: the end image lands in the third window's second frame, after 1 context frame.
    expect(planClip({ frames: 4, windowFrames: 2, contextFrames: 1, startImage: true, endImage: true }).windows.at(-1))
      .toEqual({ start: 2, context: 1, given: [{ position: 1, source: { kind: 'end' } }], emitFrom: 1, emitCount: 1 });
  });

  it('a clip shorter than a window gets its end image inside window 0', () => {
    const plan = planClip({ frames: 3, windowFrames: 4, contextFrames: 1, startImage: true, endImage: true });
    expect(plan.windows).toEqual([
      { start: 0, context: 0, given: [{ position: 0, source: { kind: 'start' } }, { position: 2, source: { kind: 'end' } }], emitFrom: 0, emitCount: 3 },
    ]);
  });

  it('extension gives the earlier clip\'s last frames at the start of window 0 and emits only new frames', () => {
    const plan = planClip({ frames: 3, windowFrames: 2, contextFrames: 1, lead: 1 });
    expect(plan.windows).toEqual([
      { start: -1, context: 0, given: [{ position: 0, source: { kind: 'lead', index: 0 } }], emitFrom: 1, emitCount: 1 },
      { start: 0, context: 1, given: [], emitFrom: 1, emitCount: 1 },
      { start: 1, context: 1, given: [], emitFrom: 1, emitCount: 1 },
    ]);
  });

  it('keeps its invariants for every combination over many sizes', () => {
    let checked = 0;
    for (let W = 2; W <= 5; W++) {
      for (let C = 0; C < W; C++) {
        for (let frames = 1; frames <= 13; frames++) {
          for (const lead of [0, 1, C].filter((l) => l < W)) {
            for (const startImage of lead > 0 ? [false] : [false, true]) {
              for (const endImage of [false, true]) {
                if (startImage && endImage && frames < 2) continue;
                const request = { frames, windowFrames: W, contextFrames: C, lead, startImage, endImage };
                checkInvariants(request, planClip(request), W);
                checked++;
              }
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  }, 30_000);

  it('refuses plans that cannot be made', () => {
    expect(() => planClip({ frames: 0, windowFrames: 2, contextFrames: 1 })).toThrow(/at least one frame/);
    expect(() => planClip({ frames: 1, windowFrames: 2, contextFrames: 1, startImage: true, endImage: true })).toThrow(/at least two frames/);
    expect(() => planClip({ frames: 4, windowFrames: 2, contextFrames: 1, lead: 1, startImage: true })).toThrow(/not both/);
    expect(() => planClip({ frames: 4, windowFrames: 2, contextFrames: 1, lead: 2 })).toThrow(/no room/);
  });
});

describe('givenMask and placeGivenFrames', () => {
  it('mark and fill exactly the context and given positions of a (C, F, H, W) window', () => {
    const [C, F, H, W] = [2, 4, 1, 3];
    const plane = H * W;
    expect(Array.from(givenMask(F, plane, 1, [3]))).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    const clean = new Float32Array(C * F * plane);
    const latent = Float32Array.from({ length: C * plane }, (_, i) => i + 1); // (C, H, W)
    placeGivenFrames(clean, [C, F, H, W], [{ position: 2, latent }]);
    // Channel 0 of frame 2 at (0·4 + 2)·3, channel 1 at (1·4 + 2)·3.
    expect(Array.from(clean)).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0]);
    expect(() => placeGivenFrames(clean, [C, F, H, W], [{ position: 4, latent }])).toThrow(/outside/);
    expect(() => placeGivenFrames(clean, [C, F, H, W], [{ position: 0, latent: new Float32Array(3) }])).toThrow(/values/);
  });
});
