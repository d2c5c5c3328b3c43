// Pointwise activations (shaders/activations.wgsl); CPU references in ../reference/activations.ts.
import source from '../../../shaders/activations.wgsl?raw';
import { defineKernel, grid2d, type Precision } from '../kernel.ts';

export interface PointwiseParams {
  /** Number of elements. */
  length: number;
  precision: Precision;
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
    precision: (p: PointwiseParams) => p.precision,
    overrides: (p: PointwiseParams) => ({ WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE }),
    grid: (p: PointwiseParams) => grid2d(Math.ceil(p.length / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE))),
  });
}

export const geluTanhKernel = pointwiseKernel('gelu_tanh');
export const siluKernel = pointwiseKernel('silu');
