// Per-row int8 quantization (src/gpu/int8.ts): the packing the int8 matmul reads and its error bound.
import { describe, expect, it } from 'vitest';
import { dequantizeRowsInt8, quantizeRowsInt8, wordsPerRow } from '../../../src/gpu/int8.ts';

describe('quantizeRowsInt8', () => {
  it('packs four signed bytes per word, little-endian, rows padded to whole words', () => {
    const q = quantizeRowsInt8([127, -127, 1, 0, 64, /* row 2 */ 0, 0, 0, 0, -2.54], 2, 5);
    expect(wordsPerRow(5)).toBe(2);
    expect(Array.from(q.scales)).toEqual([1, 2.54 / 127].map(Math.fround));
    expect(Array.from(q.packed)).toEqual([0x00_01_81_7f, 0x40, 0, 0x81]);
  });

  it('keeps every weight within half a step of its row, and zero rows exact', () => {
    const rows = 7;
    const columns = 33;
    const values = Float32Array.from({ length: rows * columns }, (_, i) => (i % rows === 3 ? 0 : Math.sin(i * 1.7) * (1 + (i % rows))));
    for (let c = 0; c < columns; c++) values[2 * columns + c] = 0;
    const q = quantizeRowsInt8(values, rows, columns);
    const back = dequantizeRowsInt8(q);
    for (let i = 0; i < values.length; i++) {
      const step = q.scales[Math.floor(i / columns)]!;
      expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(step / 2 + 1e-6 * Math.abs(values[i]!));
    }
    expect(q.scales[2]).toBe(0);
    expect(Array.from(back.subarray(2 * columns, 3 * columns)).every((v) => v === 0)).toBe(true);
  });

  it('refuses values that are not rows × columns', () => {
    expect(() => quantizeRowsInt8([1, 2, 3], 2, 2)).toThrow(/3 values are not 2×2/);
  });
});
