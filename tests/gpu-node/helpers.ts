// Shared pieces of the Node GPU tests: both storage precisions, host arrays in each one's
// format, and the elementwise closeness check. A kernel test here reads:
//
//   for (const precision of PRECISIONS) test(`… ${precision}`, async () => {
//     const x = roundToStorage(randomValues(n, seed), precision);   // what the GPU will see
//     const { y } = await runKernelNode(kernel, { …, precision }, {
//       x: toStorage(x, precision), y: { bytes: n * BYTES_PER_ELEMENT[precision] } });
//     expectClose(fromStorage(y, precision), reference(x), TOLERANCE[precision]);
//   });
import { expect } from 'vitest';
import { fromF16Array, toF16Array } from '../../src/gpu/f16.ts';
import type { Precision } from '../../src/gpu/kernel.ts';
import { worstExcess, type Tolerance } from '../support/compare.ts';

export { BYTES_PER_ELEMENT } from '../../src/gpu/kernel.ts';
export { runKernelNode } from '../support/dawn.ts';
export type { Tolerance };

export const PRECISIONS: readonly Precision[] = ['f32', 'f16'];

/** `values` as stored in `precision` (f16 as raw bits, since Node 20 has no Float16Array). */
export function toStorage(values: ArrayLike<number>, precision: Precision): Float32Array | Uint16Array {
  return precision === 'f16' ? toF16Array(values) : Float32Array.from(values);
}

/** An output buffer of `precision` elements as numbers. */
export function fromStorage(bytes: ArrayBuffer, precision: Precision): Float32Array {
  return precision === 'f16' ? fromF16Array(new Uint16Array(bytes)) : new Float32Array(bytes);
}

/**
 * `values` rounded as the GPU will see them once stored. CPU references take this, not the raw
 * values, so a tolerance measures the kernel's own error and not the rounding of its input
 * (in f16 that rounding alone moves GELU near x = 10 by up to 4e-3).
 */
export function roundToStorage(values: ArrayLike<number>, precision: Precision): Float32Array {
  return fromStorage(toStorage(values, precision).buffer as ArrayBuffer, precision);
}

/** Deterministic values spread uniformly over [lo, hi) (an LCG: tests need no real randomness). */
export function randomValues(length: number, seed: number, lo = -1, hi = 1): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + (state / 2 ** 32) * (hi - lo);
  });
}

/**
 * |actual − expected| ≤ atol + rtol·|expected| everywhere; the message names the worst element.
 * With ZOETROPE_REPORT_ERRORS=1 in the environment every comparison also logs its largest
 * absolute error and how much of its allowance it used, for tuning a tolerance to the numbers.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, label = ''): void {
  if (process.env.ZOETROPE_REPORT_ERRORS) reportErrors(actual, expected, tolerance);
  const { index, excess } = worstExcess(actual, expected, tolerance);
  const where = index >= 0 ? `element ${index}: got ${actual[index]}, expected ${expected[index]}` : 'empty';
  expect(excess, `${label ? `${label}: ` : ''}${where} (atol ${tolerance.atol}, rtol ${tolerance.rtol})`).toBeLessThanOrEqual(0);
}

function reportErrors(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol, rtol }: Tolerance): void {
  let [maxAbs, maxUsed] = [0, 0];
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    maxAbs = Math.max(maxAbs, diff);
    const allowance = atol + rtol * Math.abs(expected[i]!);
    maxUsed = Math.max(maxUsed, diff === 0 ? 0 : diff / allowance);
  }
  const name = expect.getState().currentTestName ?? '?';
  console.log(`errors | ${name} | max abs ${maxAbs.toExponential(2)} | ${(100 * maxUsed).toFixed(1)}% of tolerance`);
}

/**
 * The allowance of a kernel that computes in f32 and stores T, at `precision`: for f16 the
 * relative part becomes that of the store. WGSL lets an inexact f32 → f16 conversion pick either
 * neighbour, so up to one ulp, < 2^-10 ≈ 9.8e-4 relative (lavapipe rounds to nearest: half that),
 * which dwarfs the f32 rtol; the atol (f32 error near 0) is kept. References must take inputs
 * already rounded to f16 (roundToStorage), or the input rounding counts too.
 */
export function storedAs(precision: Precision, f32: Tolerance): Tolerance {
  return precision === 'f16' ? { atol: f32.atol, rtol: 1e-3 } : f32;
}

/** ‖a − b‖ / ‖b‖: one figure for a whole tensor, where per-element tolerances would say little. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`${a.length} values against ${b.length}`);
  let [diff, norm] = [0, 0];
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}
