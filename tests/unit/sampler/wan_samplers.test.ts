// The Wan family's samplers as plans and CPU references (src/sampler/wan_samplers.ts).
import { describe, expect, it } from 'vitest';
import { flowMatchingPlan, guidedVelocity, sampleFlowMatching, sampleSelfForcing, selfForcingPlan, type SelfForcingCall } from '../../../src/sampler/wan_samplers.ts';

describe('Self-Forcing plan', () => {
  it("denoises each 3-frame chunk at Self-Forcing's four timesteps, then caches it at t = 0", () => {
    const plan = selfForcingPlan(7);
    expect(plan.map((c) => [c.chunk, c.startFrame, c.frames])).toEqual([
      ...Array(5).fill([0, 0, 3]),
      ...Array(5).fill([1, 3, 3]),
      ...Array(5).fill([2, 6, 1]),
    ]);
    const first = plan.slice(0, 5);
    expect(first.map((c) => c.t)).toEqual([1000, 937.5, 833.3333333333334, 625, 0].map((t) => expect.closeTo(t, 9)));
    expect(first.map((c) => c.sigmaNext)).toEqual([0.9375, expect.closeTo(0.8333333, 6), 0.625, 0, null]);
  });

  it('refuses a clip of no frames', () => {
    expect(() => selfForcingPlan(0)).toThrow(/≥ 1/);
  });

  it('runs chunk after chunk: x0 = x − σ·v, re-noised with fresh noise, the clean chunk given to the cache pass', async () => {
    // A model whose velocity makes x0 exactly `target` (v = (x − target)/σ): every chunk must end
    // at the target whatever the noise, and the cache pass must see it.
    const frameSize = 2;
    const target = (call: SelfForcingCall) => Float32Array.from({ length: call.frames * frameSize }, (_, i) => call.startFrame + i / 10);
    const cached: number[][] = [];
    const velocity = (x: Float32Array, t: number, call: SelfForcingCall) => {
      if (call.sigmaNext === null) {
        expect(t).toBe(0);
        cached.push(Array.from(x));
        return new Float32Array(x.length);
      }
      const goal = target(call);
      return x.map((v, i) => (v - goal[i]!) / call.sigma);
    };
    let seed = 1;
    const noise = (call: SelfForcingCall) => Float32Array.from({ length: call.frames * frameSize }, () => (seed = (seed * 48271) % 2147483647) / 2147483647);
    const clip = await sampleSelfForcing(4, frameSize, velocity, noise);
    const expected = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 3, 3.1];
    expect(Array.from(clip)).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    expect(cached.map((c) => c.length)).toEqual([6, 2]);
  });
});

describe('base flow-matching sampler', () => {
  it('has 50 Euler steps from σ = 1 to 0 with shift 5', () => {
    const plan = flowMatchingPlan();
    expect(plan).toHaveLength(50);
    expect(plan[0]!.t).toBe(1000);
    expect(plan.at(-1)!.sigmaNext).toBe(0);
    for (let i = 1; i < plan.length; i++) expect(plan[i]!.sigma).toBe(plan[i - 1]!.sigmaNext);
  });

  it('guides: v_uncond + scale·(v_cond − v_uncond)', () => {
    expect(Array.from(guidedVelocity([3, 1], [1, 1], 5))).toEqual([11, 1]);
  });

  it('reaches the data point of a straight flow exactly: v = noise − x0 for every σ', async () => {
    const x0 = Float32Array.of(0.5, -2);
    const noise = Float32Array.of(1, 1);
    // On x_σ = (1 − σ)·x0 + σ·noise the true velocity is noise − x0; guidance of equal predictions changes nothing.
    const clean = await sampleFlowMatching(noise, () => Float32Array.from(noise, (n, i) => n - x0[i]!), 5, flowMatchingPlan(8));
    expect(Array.from(clean)).toEqual([expect.closeTo(0.5, 6), expect.closeTo(-2, 6)]);
  });
});
