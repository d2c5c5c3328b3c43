import { describe, expect, it } from 'vitest';
import { fromF16Bits, toF16Bits } from '../../../src/gpu/f16.ts';

describe('f16 conversion', () => {
  it('encodes known values exactly', () => {
    expect(toF16Bits(0)).toBe(0x0000);
    expect(toF16Bits(-0)).toBe(0x8000);
    expect(toF16Bits(1)).toBe(0x3c00);
    expect(toF16Bits(-2)).toBe(0xc000);
    expect(toF16Bits(65504)).toBe(0x7bff); // largest finite half
    expect(toF16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toF16Bits(Infinity)).toBe(0x7c00);
    expect(toF16Bits(1e6)).toBe(0x7c00); // overflow
    expect(toF16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(Number.isNaN(fromF16Bits(toF16Bits(NaN)))).toBe(true);
  });

  it('rounds to nearest, ties to even', () => {
    expect(toF16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway, tie to even (down)
    expect(toF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway, tie to even (up)
    expect(toF16Bits(65519)).toBe(0x7bff); // rounds down to the largest finite
    expect(toF16Bits(65520)).toBe(0x7c00); // rounds up to ∞
  });

  it('round-trips every finite half exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue; // ∞ and NaN
      expect(toF16Bits(fromF16Bits(bits))).toBe(bits);
    }
  });
});
