// CPU reference for shaders/matmul_int8.wgsl, in float64: the weights dequantized (q·s per row,
// exactly the numbers the kernel's scaled sums stand for), then the float reference's x·wᵀ + b.
import { dequantizeRowsInt8, type Int8Rows } from '../int8.ts';
import { linear } from './matmul.ts';

/** x (m×k) times the dequantized int8 weight (n×k), plus b: m×n. */
export function linearInt8(x: ArrayLike<number>, w: Int8Rows, b: ArrayLike<number> | undefined, m: number): Float64Array {
  return linear(x, dequantizeRowsInt8(w), b, m, w.rows, w.columns);
}
