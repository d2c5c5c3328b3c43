// SHA-256 (FIPS 180-4) fed a piece at a time. crypto.subtle.digest only hashes one buffer whole,
// and a browser cannot hold a multi-gigabyte weight file in one buffer (an ArrayBuffer stops near
// 2 GB), so the store hashes such files here, chunk by chunk as they arrive or are read back.
//
// Written for speed in plain JS: 64-byte blocks are compressed straight from the caller's bytes
// (only a block split across two calls is copied), the state lives in locals across all the blocks
// of one call, and nothing is allocated per byte or per block.

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// §5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** For the unit test, which derives the constants from the primes instead of trusting this table. */
export const SHA256_CONSTANTS = { K: Uint32Array.from(K), H0: Uint32Array.from(H0) };

export class Sha256Stream {
  private readonly state = Int32Array.from(H0);
  /** The message schedule, reused by every block. */
  private readonly w = new Int32Array(64);
  /** Bytes of a block that is not complete yet (fewer than 64). */
  private readonly pending = new Uint8Array(64);
  private readonly pendingView = new DataView(this.pending.buffer);
  private pendingBytes = 0;
  /** Bytes fed so far; a double counts exactly far past any file this store keeps (2^53). */
  private length = 0;

  update(bytes: Uint8Array): void {
    const n = bytes.length;
    this.length += n;
    let at = 0;
    if (this.pendingBytes > 0) {
      at = Math.min(64 - this.pendingBytes, n);
      this.pending.set(bytes.subarray(0, at), this.pendingBytes);
      this.pendingBytes += at;
      if (this.pendingBytes < 64) return;
      compress(this.state, this.w, this.pendingView, 0, 64);
      this.pendingBytes = 0;
    }
    const end = at + Math.floor((n - at) / 64) * 64;
    if (end > at) compress(this.state, this.w, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), at, end);
    if (end < n) {
      this.pending.set(bytes.subarray(end), 0);
      this.pendingBytes = n - end;
    }
  }

  /** The digest of everything fed so far, as 64 lowercase hex digits. Feeding may go on afterwards. */
  hex(): string {
    // Padding (§5.1.1) on copies, so that the stream itself is left as it was.
    const state = Int32Array.from(this.state);
    const w = new Int32Array(64);
    const block = new Uint8Array(64);
    const view = new DataView(block.buffer);
    block.set(this.pending.subarray(0, this.pendingBytes));
    block[this.pendingBytes] = 0x80;
    if (this.pendingBytes >= 56) {
      // No room left for the 8-byte length: it goes in a block of its own.
      compress(state, w, view, 0, 64);
      block.fill(0);
    }
    view.setUint32(56, Math.floor(this.length / 2 ** 29)); // the high word of length·8 bits
    view.setUint32(60, (this.length * 8) >>> 0);
    compress(state, w, view, 0, 64);
    return Array.from(state, (word) => (word >>> 0).toString(16).padStart(8, '0')).join('');
  }
}

/**
 * The 64-byte blocks of `view` from `offset` to `end` into `state` (§6.2.2), all in one call so the
 * working variables stay in locals from block to block. Sums are taken mod 2^32 by `| 0`.
 */
function compress(state: Int32Array, w: Int32Array, view: DataView, offset: number, end: number): void {
  let a0 = state[0]!;
  let b0 = state[1]!;
  let c0 = state[2]!;
  let d0 = state[3]!;
  let e0 = state[4]!;
  let f0 = state[5]!;
  let g0 = state[6]!;
  let h0 = state[7]!;
  for (; offset < end; offset += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getInt32(offset + 4 * t); // big-endian
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    let e = e0;
    let f = f0;
    let g = g0;
    let h = h0;
    for (let t = 0; t < 64; t++) {
      const sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const choose = g ^ (e & (f ^ g)); // (e ∧ f) ⊕ (¬e ∧ g)
      const t1 = (h + sum1 + choose + K[t]! + w[t]!) | 0;
      const sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const majority = (a & b) ^ (c & (a ^ b)); // (a ∧ b) ⊕ (a ∧ c) ⊕ (b ∧ c)
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + sum0 + majority) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
    e0 = (e0 + e) | 0;
    f0 = (f0 + f) | 0;
    g0 = (g0 + g) | 0;
    h0 = (h0 + h) | 0;
  }
  state.set([a0, b0, c0, d0, e0, f0, g0, h0]);
}
