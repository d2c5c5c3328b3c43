// The store's own incremental SHA-256 (src/store/sha256_stream.ts) against node:crypto, over random
// data cut into random pieces, and its constants derived from the primes as FIPS 180-4 defines them.
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHA256_CONSTANTS, Sha256Stream } from '../../../src/store/sha256_stream.ts';

const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Feeds `bytes` to a new stream in pieces that end at each of `cuts` (sorted, within the length). */
function streamed(bytes: Uint8Array, cuts: number[]): string {
  const stream = new Sha256Stream();
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    stream.update(bytes.subarray(from, cut));
    from = cut;
  }
  return stream.hex();
}

/** floor(x^(1/n)) for a non-negative BigInt, by bisection: exact, unlike Math.cbrt. */
function integerRoot(x: bigint, n: bigint): bigint {
  let low = 0n;
  let high = 1n << (BigInt(x.toString(2).length) / n + 1n);
  while (low < high) {
    const mid = (low + high + 1n) / 2n;
    if (mid ** n <= x) low = mid;
    else high = mid - 1n;
  }
  return low;
}

const PRIMES = Array.from({ length: 312 }, (_, i) => i).filter((n) => n > 1 && Array.from({ length: n - 2 }, (_, i) => i + 2).every((d) => n % d));

describe('Sha256Stream', () => {
  it('has the constants of FIPS 180-4 §4.2.2 and §5.3.3', () => {
    // The first 32 bits of the fractional parts of the cube (square) roots of the first primes.
    const fraction = (p: number, n: bigint) => Number(integerRoot(BigInt(p) << (32n * n), n) & 0xffffffffn);
    expect(PRIMES).toHaveLength(64);
    expect(Array.from(SHA256_CONSTANTS.K)).toEqual(PRIMES.map((p) => fraction(p, 3n)));
    expect(Array.from(SHA256_CONSTANTS.H0)).toEqual(PRIMES.slice(0, 8).map((p) => fraction(p, 2n)));
  });

  it('hashes the empty input and the padding edges (55, 56, 64 bytes and their neighbours)', () => {
    expect(new Sha256Stream().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const stream = new Sha256Stream();
    stream.update(new TextEncoder().encode('abc'));
    expect(stream.hex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (const length of [1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000]) {
      const bytes = randomBytes(length);
      expect(streamed(bytes, []), `${length} bytes whole`).toBe(reference(bytes));
      expect(streamed(bytes, Array.from({ length }, (_, i) => i)), `${length} bytes one at a time`).toBe(reference(bytes));
    }
  });

  it('gives the same digest however the input is cut into pieces', () => {
    const input = fc.uint8Array({ maxLength: 2000 }).chain((bytes) =>
      fc.tuple(fc.constant(bytes), fc.uniqueArray(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 })),
    );
    fc.assert(
      fc.property(input, ([bytes, cuts]) => streamed(bytes, cuts.sort((a, b) => a - b)) === reference(bytes)),
      { numRuns: 300 },
    );
  });

  it('hashes megabytes fed in uneven pieces, and hex() leaves the stream going on', () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const stream = new Sha256Stream();
    let at = 0;
    for (let piece = 1; at < bytes.length; piece = (piece * 7 + 13) % 99_991) {
      stream.update(bytes.subarray(at, at + piece));
      at += piece;
      if (piece % 5 === 0) expect(stream.hex()).toBe(reference(bytes.subarray(0, Math.min(at, bytes.length))));
    }
    expect(stream.hex()).toBe(reference(bytes));
  });
});
