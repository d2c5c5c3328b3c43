// Comparing kernel output with a reference: |actual − expected| ≤ atol + rtol·|expected|
// elementwise, NaN and ∞ never close to a finite value.
import { expect } from '@playwright/test';

export interface Tolerance {
  atol: number;
  rtol: number;
}

/** The worst element: its index and how far past its own allowance it is (≤ 0 passes). */
export function worstExcess(actual: ArrayLike<number>, expected: ArrayLike<number>, { atol, rtol }: Tolerance) {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ expected ${expected.length}`);
  let worst = { index: -1, excess: -Infinity };
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    const excess = Number.isNaN(diff) ? Infinity : diff - (atol + rtol * Math.abs(expected[i]!));
    if (excess > worst.excess) worst = { index: i, excess };
  }
  return worst;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, label = ''): void {
  const { index, excess } = worstExcess(actual, expected, tolerance);
  const where = index >= 0 ? `element ${index}: got ${actual[index]}, expected ${expected[index]}` : 'empty';
  expect(excess, `${label ? `${label}: ` : ''}${where} (atol ${tolerance.atol}, rtol ${tolerance.rtol})`).toBeLessThanOrEqual(0);
}
