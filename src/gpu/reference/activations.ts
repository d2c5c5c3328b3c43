// CPU references for shaders/activations.wgsl, in float64.

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function geluTanh(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v ** 3))));
}

export function silu(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => v / (1 + Math.exp(-v)));
}
