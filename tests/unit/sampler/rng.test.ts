import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logU32p1, NormalRng, noise, Pcg32, sinCosTurn } from '../../../src/sampler/rng.ts';

// Written by models/train/make_rng_fixture.py; the Python twin is checked against the same file.
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/rng/seed42.json', import.meta.url), 'utf8')) as {
  seed: number;
  stream: number;
  u32: number[];
  normals: number[];
  large_seed: { seed: number; stream: number; u32: number[] };
};

describe('PCG32', () => {
  it("matches O'Neill's reference output (pcg32-demo: seed 42, stream 54)", () => {
    const pcg = new Pcg32(42, 54);
    expect([0, 1, 2, 3, 4, 5].map(() => pcg.nextU32())).toEqual([
      0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e,
    ]);
  });

  it('matches the Python twin for the fixture seed and for a seed above 2^32', () => {
    const pcg = new Pcg32(fixture.seed, fixture.stream);
    expect(fixture.u32.map(() => pcg.nextU32())).toEqual(fixture.u32);
    const big = new Pcg32(BigInt(fixture.large_seed.seed), fixture.large_seed.stream);
    expect(fixture.large_seed.u32.map(() => big.nextU32())).toEqual(fixture.large_seed.u32);
  });
});

describe('normals', () => {
  it('are bit-identical to the Python twin for the first 4096 values', () => {
    const values = noise(fixture.normals.length, fixture.seed, fixture.stream);
    let mismatches = 0;
    for (let i = 0; i < values.length; i++) if (values[i] !== fixture.normals[i]) mismatches++;
    expect(mismatches).toBe(0);
    expect(Array.from(values.subarray(0, 8))).toEqual(fixture.normals.slice(0, 8));
  });

  it('continue one stream across calls (next() and fill() agree)', () => {
    const a = new NormalRng(7);
    const b = new NormalRng(7);
    const first = [a.next(), a.next(), a.next()];
    const filled = b.fill(new Float32Array(3));
    expect(Array.from(filled)).toEqual(first);
  });

  it('look normal', () => {
    const v = noise(20000, 1);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('hand-written float64 math', () => {
  it('log is accurate to a few ulps over (0, 1]', () => {
    for (const n of [1, 2, 3, 1000, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 123456789]) {
      const exact = Math.log(n / 2 ** 32);
      expect(Math.abs(logU32p1(n) - exact)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(exact)));
    }
  });

  it('sin/cos are accurate to a few ulps over a full turn', () => {
    for (const b of [0, 1, 2 ** 30, 2 ** 31, 3 * 2 ** 30, 2 ** 32 - 1, 987654321]) {
      const [s, c] = sinCosTurn(b);
      const a = (2 * Math.PI * b) / 2 ** 32;
      expect(Math.abs(s - Math.sin(a))).toBeLessThan(1e-15);
      expect(Math.abs(c - Math.cos(a))).toBeLessThan(1e-15);
    }
  });
});
