// CPU references for shaders/norm.wgsl, in float64. Inputs are `groups` contiguous groups of
// `groupSize` values; the weight and bias are indexed by flat index modulo their length.

export interface NormShape {
  groupSize: number;
  eps: number;
}

/** LayerNorm over each group; affine when `weight` (and `bias`) are given. */
export function layerNorm(
  x: ArrayLike<number>,
  { groupSize, eps }: NormShape,
  weight?: ArrayLike<number>,
  bias?: ArrayLike<number>,
): Float64Array {
  const y = new Float64Array(x.length);
  for (let base = 0; base < x.length; base += groupSize) {
    let mean = 0;
    for (let i = 0; i < groupSize; i++) mean += x[base + i]!;
    mean /= groupSize;
    let variance = 0;
    for (let i = 0; i < groupSize; i++) variance += (x[base + i]! - mean) ** 2;
    variance /= groupSize;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let i = base; i < base + groupSize; i++) {
      const w = weight ? weight[i % weight.length]! : 1;
      const b = bias ? bias[i % bias.length]! : 0;
      y[i] = (x[i]! - mean) * inv * w + b;
    }
  }
  return y;
}

/** T5 RMSNorm over each group: x / √(mean(x²) + eps) · weight. */
export function rmsNorm(x: ArrayLike<number>, { groupSize, eps }: NormShape, weight: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  for (let base = 0; base < x.length; base += groupSize) {
    let squares = 0;
    for (let i = 0; i < groupSize; i++) squares += x[base + i]! ** 2;
    const inv = 1 / Math.sqrt(squares / groupSize + eps);
    for (let i = base; i < base + groupSize; i++) y[i] = x[i]! * inv * weight[i % weight.length]!;
  }
  return y;
}
