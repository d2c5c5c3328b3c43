// Seeded noise, bit-identical to models/train/rng.py: PCG32 + Box–Muller in float64 → float32 normals.
//
// Bit-identity across languages needs more than the same algorithm: Math.log / Math.cos here and libm
// in Python may differ in the last bit, so the logarithm and the sine/cosine are computed from
// + − × ÷ and sqrt only (correctly rounded float64 in both languages), in the same order as the
// Python twin. Change both files together; tests/fixtures/rng/seed42.json pins the stream.
//
// Stream layout: PCG32 (O'Neill's pcg32_srandom_r / pcg32_random_r: 64-bit state, XSH-RR output).
// Each pair of u32 draws (a, b) gives two normals:
//   u1 = (a + 1) / 2^32 ∈ (0, 1],  u2 = b / 2^32 ∈ [0, 1)
//   r = sqrt(−2 ln u1);  z0 = r cos(2π u2), z1 = r sin(2π u2)   (z0 first)
// each rounded to float32. A tensor of shape (C, F, H, W) takes the next C·F·H·W normals, row-major.

const LN2 = 0.6931471805599453; // ln 2, nearest double
const HALF_PI = 1.5707963267948966; // π/2, nearest double
const SQRT2 = 1.4142135623730951;
// PCG's multiplier 6364136223846793005 as two u32 halves.
const MUL_HI = 0x5851f42d;
const MUL_LO = 0x4c957f2d;

/** 64-bit (hi, lo) × (hi, lo) mod 2^64, exact with 16-bit partial products. */
function mul64(ahi: number, alo: number, bhi: number, blo: number): [number, number] {
  const a0 = alo & 0xffff;
  const a1 = alo >>> 16;
  const b0 = blo & 0xffff;
  const b1 = blo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1; // each < 2^32, exact in a double
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16); // high word of alo·blo, < 2^32
  const hi = (carry + Math.imul(alo, bhi) + Math.imul(ahi, blo)) >>> 0;
  return [hi, lo];
}

function toU64(value: bigint): [number, number] {
  const v = BigInt.asUintN(64, value);
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

export class Pcg32 {
  private hi = 0;
  private lo = 0;
  private readonly incHi: number;
  private readonly incLo: number;

  /** `seed` and `stream` are taken mod 2^64 (numbers must be safe integers). */
  constructor(seed: number | bigint, stream: number | bigint = 0) {
    [this.incHi, this.incLo] = toU64((BigInt(stream) << 1n) | 1n);
    this.nextU32();
    const [shi, slo] = toU64(BigInt(seed));
    const lo = this.lo + slo;
    this.lo = lo >>> 0;
    this.hi = (this.hi + shi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    this.nextU32();
  }

  nextU32(): number {
    const ohi = this.hi;
    const olo = this.lo;
    const [mhi, mlo] = mul64(ohi, olo, MUL_HI, MUL_LO);
    const lo = mlo + this.incLo;
    this.lo = lo >>> 0;
    this.hi = (mhi + this.incHi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    // xorshifted = ((old >> 18) ^ old) >> 27, low 32 bits; rot = old >> 59
    const shi = ohi >>> 18;
    const slo = ((olo >>> 18) | (ohi << 14)) >>> 0;
    const xhi = (shi ^ ohi) >>> 0;
    const xlo = (slo ^ olo) >>> 0;
    const xorshifted = ((xlo >>> 27) | (xhi << 5)) >>> 0;
    const rot = ohi >>> 27;
    return ((xorshifted >>> rot) | (xorshifted << (-rot & 31))) >>> 0;
  }
}

/** ln(n / 2^32) for an integer n in [1, 2^32], from basic float64 arithmetic only. */
export function logU32p1(n: number): number {
  let e = n === 4294967296 ? 32 : 31 - Math.clz32(n); // n = m·2^e, m ∈ [1, 2)
  let m = n / 2 ** e; // exact: division by a power of two
  if (m > SQRT2) {
    // m ∈ [√½, √2) keeps the series short
    m = m / 2;
    e += 1;
  }
  const s = (m - 1) / (m + 1); // ln m = 2 atanh s, |s| ≤ 0.1716
  const s2 = s * s;
  let p = 1 / 25; // Σ_{k=0..12} s^(2k) / (2k+1), Horner from the top
  for (let k = 11; k >= 0; k--) p = p * s2 + 1 / (2 * k + 1);
  return 2 * s * p + (e - 32) * LN2;
}

/** [sin, cos] of x ∈ [0, π/2) by Taylor series (Horner, fixed number of terms). */
function sinCosQuarter(x: number): [number, number] {
  const x2 = x * x;
  let s = 1;
  let c = 1;
  for (let k = 12; k >= 1; k--) {
    s = 1 - (s * x2) / (2 * k * (2 * k + 1));
    c = 1 - (c * x2) / ((2 * k - 1) * (2 * k));
  }
  return [x * s, c];
}

/** [sin, cos] of 2π·b/2^32 for a u32 b: the quadrant comes from the top two bits, exactly. */
export function sinCosTurn(b: number): [number, number] {
  const q = b >>> 30;
  const [s, c] = sinCosQuarter((b & 0x3fffffff) * (HALF_PI / 1073741824));
  if (q === 0) return [s, c];
  if (q === 1) return [c, -s];
  if (q === 2) return [-s, -c];
  return [-c, s];
}

/** Standard normals as float32 values, from a PCG32 stream. */
export class NormalRng {
  private readonly pcg: Pcg32;
  private spare: number | null = null;

  constructor(seed: number | bigint, stream: number | bigint = 0) {
    this.pcg = new Pcg32(seed, stream);
  }

  next(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const a = this.pcg.nextU32();
    const b = this.pcg.nextU32();
    const r = Math.sqrt(-2 * logU32p1(a + 1));
    const [s, c] = sinCosTurn(b);
    this.spare = Math.fround(r * s);
    return Math.fround(r * c);
  }

  /** Fills `out` with the next out.length normals (row-major for a tensor). */
  fill(out: Float32Array): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.next();
    return out;
  }
}

/** The noise tensor for `seed`: `size` normals, e.g. C·F·H·W for latents of shape (C, F, H, W). */
export function noise(size: number, seed: number | bigint, stream: number | bigint = 0): Float32Array {
  return new NormalRng(seed, stream).fill(new Float32Array(size));
}
