import { describe, expect, it } from 'vitest';
import { grid2d } from '../../../src/gpu/kernel.ts';

describe('grid2d', () => {
  it('keeps small grids one-dimensional', () => {
    expect(grid2d(1)).toEqual([1, 1]);
    expect(grid2d(65535)).toEqual([65535, 1]);
  });

  it('folds large grids into y, covering every workgroup and staying under the limit', () => {
    for (const count of [65536, 70000, 1_000_000, 65535 * 65535]) {
      const [x, y] = grid2d(count);
      expect(x).toBeLessThanOrEqual(65535);
      expect(y).toBeLessThanOrEqual(65535);
      expect(x * y).toBeGreaterThanOrEqual(count);
      expect(x * (y - 1)).toBeLessThan(count); // no whole row of idle workgroups
    }
  });
});
