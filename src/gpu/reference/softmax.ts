// CPU reference for shaders/softmax.wgsl, in float64.

/** Softmax of each row of `width` values, the maximum subtracted first. */
export function softmax(x: ArrayLike<number>, width: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let base = 0; base < x.length; base += width) {
    let max = -Infinity;
    for (let i = base; i < base + width; i++) max = Math.max(max, x[i]!);
    let sum = 0;
    for (let i = base; i < base + width; i++) sum += (y[i] = Math.exp(x[i]! - max));
    for (let i = base; i < base + width; i++) y[i]! /= sum;
  }
  return y;
}
