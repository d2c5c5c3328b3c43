// Pointwise activations (shaders/activations.wgsl) and their CPU references.
import source from '../../../shaders/activations.wgsl?raw';
import { defineKernel, grid2d } from '../kernel.ts';

export interface PointwiseParams {
  /** Number of elements. */
  length: number;
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 64;

function pointwiseKernel(entryPoint: 'gelu_tanh' | 'silu') {
  return defineKernel({
    name: `activations.${entryPoint}`,
    code: source,
    entryPoint,
    bindings: [
      ['x', 'read-only-storage'],
      ['y', 'storage'],
    ] as const,
    overrides: (p: PointwiseParams) => ({ WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE }),
    grid: (p: PointwiseParams) => grid2d(Math.ceil(p.length / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE))),
  });
}

export const geluTanhKernel = pointwiseKernel('gelu_tanh');
export const siluKernel = pointwiseKernel('silu');

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function geluTanhReference(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v ** 3))));
}

export function siluReference(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => v / (1 + Math.exp(-v)));
}
