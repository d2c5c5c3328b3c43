// CPU reference for shaders/attention.wgsl, in float64: the naive softmax(q·kᵀ·scale + bias) v,
// with the whole score row materialised, masked keys removed before the softmax.

export interface AttentionShape {
  heads: number;
  headDim: number;
  lq: number;
  lk: number;
  /** Keys that take part (the first kvValid); default lk. */
  kvValid?: number;
  /** Absolute position of query 0 among the keys; default 0. */
  qOffset?: number;
  scale: number;
  /** Causal by chunk: the query at position p sees keys j < (⌊p / chunkTokens⌋ + 1)·chunkTokens. */
  chunkTokens?: number;
}

/** Relative-position bias table (heads × len), entry `center` at δ = key − query = 0, clamped at the ends. */
export interface BiasTable {
  values: ArrayLike<number>;
  len: number;
  center: number;
}

/** q (lq, heads, d), k and v (lk, heads, d), all row-major and packed; returns out (lq, heads, d). */
export function attention(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  shape: AttentionShape,
  bias?: BiasTable,
): Float64Array {
  const { heads, headDim: d, lq, lk, scale } = shape;
  const allKeys = Math.min(shape.kvValid ?? lk, lk);
  const qOffset = shape.qOffset ?? 0;
  const row = heads * d;
  const out = new Float64Array(lq * row);
  const scores = new Float64Array(allKeys);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < lq; i++) {
      const chunk = shape.chunkTokens;
      const keys = chunk ? Math.min(allKeys, (Math.floor((qOffset + i) / chunk) + 1) * chunk) : allKeys;
      for (let j = 0; j < keys; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q[i * row + h * d + c]! * k[j * row + h * d + c]!;
        scores[j] = dot * scale + (bias ? biasAt(bias, h, j - (qOffset + i)) : 0);
      }
      const max = keys ? Math.max(...scores.subarray(0, keys)) : 0;
      let sum = 0;
      for (let j = 0; j < keys; j++) sum += scores[j] = Math.exp(scores[j]! - max);
      // No valid key: the kernel defines the output as 0.
      if (sum === 0) continue;
      for (let c = 0; c < d; c++) {
        let value = 0;
        for (let j = 0; j < keys; j++) value += scores[j]! * v[j * row + h * d + c]!;
        out[i * row + h * d + c] = value / sum;
      }
    }
  }
  return out;
}

function biasAt(table: BiasTable, head: number, offset: number): number {
  const entry = Math.min(Math.max(table.center + offset, 0), table.len - 1);
  return table.values[head * table.len + entry]!;
}
