// CPU references for shaders/matmul.wgsl, in float64.
import { geluTanh, silu } from './activations.ts';

export type Epilogue = 'none' | 'gelu_tanh' | 'silu';

/** x·wᵀ + b: x is m×k, w is n×k (row-major, a Linear weight as stored), b has n entries or is absent. */
export function linear(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, m: number, n: number, k: number): Float64Array {
  const y = new Float64Array(m * n);
  for (let row = 0; row < m; row++) {
    for (let column = 0; column < n; column++) {
      let sum = b ? b[column]! : 0;
      for (let i = 0; i < k; i++) sum += x[row * k + i]! * w[column * k + i]!;
      y[row * n + column] = sum;
    }
  }
  return y;
}

export function applyEpilogue(y: Float64Array, epilogue: Epilogue): Float64Array {
  if (epilogue === 'gelu_tanh') return geluTanh(y);
  if (epilogue === 'silu') return silu(y);
  return y;
}

/** residual + gate ⊙ projection, with residual and projection m×n and gate per column (n). */
export function gatedResidual(residual: ArrayLike<number>, gate: ArrayLike<number>, projection: ArrayLike<number>, m: number, n: number): Float64Array {
  return Float64Array.from({ length: m * n }, (_, i) => residual[i]! + gate[i % n]! * projection[i]!);
}
