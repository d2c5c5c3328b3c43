// CPU references for shaders/elementwise.wgsl, in float64.
import { geluTanh } from './activations.ts';

export function add(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i]! + b[i]!);
}

export function mul(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i]! * b[i]!);
}

export function geluTanhMul(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const g = geluTanh(b);
  return Float64Array.from({ length: a.length }, (_, i) => a[i]! * g[i]!);
}
