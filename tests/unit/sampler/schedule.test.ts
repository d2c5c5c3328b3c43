import { describe, expect, it } from 'vitest';
import { eulerStep, fewStep, shiftSigma, sigmaSchedule, timestepOf } from '../../../src/sampler/schedule.ts';

describe('flow-matching schedules', () => {
  it('shift keeps the ends and pushes the middle towards noise', () => {
    expect(shiftSigma(0, 5)).toBe(0);
    expect(shiftSigma(1, 5)).toBe(1);
    expect(shiftSigma(0.5, 5)).toBeCloseTo(5 / 6, 12);
    expect(shiftSigma(0.5, 1)).toBe(0.5);
  });

  it('4 steps with shift 5 give Self-Forcing’s timesteps 1000, 937.5, 833.3, 625', () => {
    const t = Array.from(sigmaSchedule(4, 5), timestepOf);
    expect(t.slice(0, 4).map((v) => Math.round(v * 10) / 10)).toEqual([1000, 937.5, 833.3, 625]);
    expect(t[4]).toBe(0);
  });

  it('rejects nonsense', () => {
    expect(() => sigmaSchedule(0, 5)).toThrow('steps');
    expect(() => sigmaSchedule(4, 0)).toThrow('shift');
  });

  it('an exact velocity takes Euler and the few-step sampler to x0 from pure noise', () => {
    const x0 = Float32Array.of(0.5, -1, 2);
    const noise = Float32Array.of(1, 0.25, -0.75);
    const velocity = Float32Array.from(noise, (n, i) => n - x0[i]!); // v = noise − x0 everywhere on the path
    const sigmas = sigmaSchedule(8, 3);
    const euler = Float32Array.from(noise);
    for (let i = 0; i < 8; i++) eulerStep(euler, velocity, sigmas[i]!, sigmas[i + 1]!);
    expect(Array.from(euler)).toEqual(Array.from(x0).map((v) => expect.closeTo(v, 5)));

    const few = Float32Array.from(noise);
    const four = sigmaSchedule(4, 5);
    for (let i = 0; i < 4; i++) fewStep(few, velocity, four[i]!, four[i + 1]!, noise);
    expect(Array.from(few)).toEqual(Array.from(x0).map((v) => expect.closeTo(v, 5)));
  });
});
