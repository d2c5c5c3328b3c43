// CPU references for shaders/embedding.wgsl.

/** Wan's sinusoidal_embedding_1d in float64: (t.length, freqDim), [cos | sin]. */
export function timestepEmbedding(t: ArrayLike<number>, freqDim: number): Float64Array {
  const half = freqDim / 2;
  const out = new Float64Array(t.length * freqDim);
  for (let n = 0; n < t.length; n++) {
    for (let j = 0; j < half; j++) {
      const angle = t[n]! * 10000 ** (-j / half);
      out[n * freqDim + j] = Math.cos(angle);
      out[n * freqDim + half + j] = Math.sin(angle);
    }
  }
  return out;
}

export interface BucketOptions {
  numBuckets?: number;
  maxDistance?: number;
  bidirectional?: boolean;
}

/**
 * T5's `_relative_position_bucket` of relative = key − query, with PyTorch's float32 arithmetic
 * for the logarithmic buckets (Math.fround after each step; the Python float divisor is rounded
 * to f32 as a weak scalar), so the boundaries fall where PyTorch puts them.
 */
export function relativePositionBucket(relative: number, { numBuckets = 32, maxDistance = 128, bidirectional = true }: BucketOptions = {}): number {
  let buckets = numBuckets;
  let bucket = 0;
  let distance: number;
  if (bidirectional) {
    buckets /= 2;
    if (relative > 0) bucket += buckets;
    distance = Math.abs(relative);
  } else {
    distance = Math.max(-relative, 0);
  }
  const maxExact = Math.floor(buckets / 2);
  if (distance < maxExact) return bucket + distance;
  const f = Math.fround;
  const scaled = f(f(f(Math.log(f(distance / maxExact))) / f(Math.log(maxDistance / maxExact))) * (buckets - maxExact));
  return bucket + Math.min(maxExact + Math.trunc(scaled), buckets - 1);
}

/** (heads, lq, lk) bias gathered from table (numBuckets, heads). */
export function relativeBias(table: ArrayLike<number>, heads: number, lq: number, lk: number, options: BucketOptions = {}): Float64Array {
  const out = new Float64Array(heads * lq * lk);
  for (let h = 0; h < heads; h++)
    for (let q = 0; q < lq; q++)
      for (let k = 0; k < lk; k++) out[(h * lq + q) * lk + k] = table[relativePositionBucket(k - q, options) * heads + h]!;
  return out;
}

/** Rows of table (rows, dim) for each id; ids outside [rowBegin, rowEnd) keep `initial`'s row. */
export function gather(
  ids: ArrayLike<number>,
  table: ArrayLike<number>,
  dim: number,
  { rowBegin = 0, rowEnd = Infinity, initial }: { rowBegin?: number; rowEnd?: number; initial?: ArrayLike<number> } = {},
): Float64Array {
  const out = initial ? Float64Array.from(initial) : new Float64Array(ids.length * dim);
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n]!;
    if (id < rowBegin || id >= rowEnd) continue;
    for (let c = 0; c < dim; c++) out[n * dim + c] = table[(id - rowBegin) * dim + c]!;
  }
  return out;
}
