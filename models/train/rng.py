"""Seeded noise, bit-identical to src/sampler/rng.ts: PCG32 + Box-Muller in float64 -> float32 normals.

Why not torch.randn: the browser must draw the same noise from the same seed, so both sides run
this one small generator. Bit-identity across languages needs more than the same algorithm:
Math.log/Math.cos in JavaScript and libm in Python may differ in the last bit, so the logarithm
and the sine/cosine are computed here from +, -, *, / and sqrt only (all correctly rounded IEEE
float64 in both languages), in the same order as the TypeScript twin. Change both files together.

Stream layout: PCG32 (O'Neill's pcg32_srandom_r / pcg32_random_r, 64-bit state, XSH-RR output).
Each pair of u32 draws (a, b) gives two normals:
    u1 = (a + 1) / 2^32 in (0, 1],  u2 = b / 2^32 in [0, 1)
    r = sqrt(-2 ln u1);  z0 = r cos(2 pi u2), z1 = r sin(2 pi u2)    (z0 first)
each rounded to float32. A tensor of shape (C, F, H, W) takes the next C*F*H*W normals, row-major.
"""
import math

import numpy as np

MASK64 = (1 << 64) - 1
MULTIPLIER = 6364136223846793005
LN2 = 0.6931471805599453                 # ln 2, nearest double
HALF_PI = 1.5707963267948966             # pi / 2, nearest double
SQRT2 = 1.4142135623730951


class Pcg32:
    def __init__(self, seed, stream=0):
        self.state = 0
        self.inc = ((stream << 1) | 1) & MASK64
        self.next_u32()
        self.state = (self.state + (seed & MASK64)) & MASK64
        self.next_u32()

    def next_u32(self):
        old = self.state
        self.state = (old * MULTIPLIER + self.inc) & MASK64
        xorshifted = (((old >> 18) ^ old) >> 27) & 0xFFFFFFFF
        rot = old >> 59
        return ((xorshifted >> rot) | (xorshifted << ((-rot) & 31))) & 0xFFFFFFFF


def log_u32p1(n):
    """ln(n / 2^32) for an integer n in [1, 2^32], from basic float64 arithmetic only."""
    e = n.bit_length() - 1                # n = m * 2^e, m in [1, 2)
    m = n / float(1 << e)                 # exact: division by a power of two
    if m > SQRT2:                          # m in [sqrt(1/2), sqrt(2)) keeps the series short
        m = m / 2.0
        e += 1
    s = (m - 1.0) / (m + 1.0)             # ln m = 2 atanh s, |s| <= 0.1716
    s2 = s * s
    p = 1.0 / 25.0                         # sum_{k=0..12} s^(2k) / (2k+1), Horner from the top
    for k in range(11, -1, -1):
        p = p * s2 + 1.0 / (2 * k + 1)
    return 2.0 * s * p + (e - 32) * LN2


def sin_cos_quarter(x):
    """sin and cos of x in [0, pi/2) by Taylor series (Horner, fixed number of terms)."""
    x2 = x * x
    s = 1.0
    c = 1.0
    for k in range(12, 0, -1):            # sin: x * sum (-x^2)^k / (2k+1)!, cos: sum (-x^2)^k / (2k)!
        s = 1.0 - s * x2 / ((2 * k) * (2 * k + 1))
        c = 1.0 - c * x2 / ((2 * k - 1) * (2 * k))
    return x * s, c


def sin_cos_turn(b):
    """sin and cos of 2 pi b / 2^32 for a u32 b: the quadrant comes from the top two bits exactly."""
    q = b >> 30
    x = (b & 0x3FFFFFFF) * (HALF_PI / 1073741824.0)  # angle within the quadrant, [0, pi/2)
    s, c = sin_cos_quarter(x)
    return ((s, c), (c, -s), (-s, -c), (-c, s))[q]


class NormalRng:
    """Standard normals as float32, from a PCG32 stream."""

    def __init__(self, seed, stream=0):
        self.pcg = Pcg32(seed, stream)
        self.spare = None

    def next(self):
        if self.spare is not None:
            z, self.spare = self.spare, None
            return z
        a = self.pcg.next_u32()
        b = self.pcg.next_u32()
        r = math.sqrt(-2.0 * log_u32p1(a + 1))
        s, c = sin_cos_turn(b)
        self.spare = float(np.float32(r * s))
        return float(np.float32(r * c))

    def normals(self, shape):
        """A float32 array of the next prod(shape) normals, row-major."""
        n = int(np.prod(shape))
        return np.array([self.next() for _ in range(n)], dtype=np.float32).reshape(shape)


def noise(shape, seed, stream=0):
    """The noise tensor (numpy float32) the browser draws for `seed`: e.g. shape (C, F, H, W)."""
    return NormalRng(seed, stream).normals(shape)
