// Elementwise binary ops (shaders/elementwise.wgsl); CPU references in ../reference/elementwise.ts.
import source from '../../../shaders/elementwise.wgsl?raw';
import { defineKernel, grid2d } from '../kernel.ts';
import type { PointwiseParams } from './activations.ts';

const DEFAULT_WORKGROUP_SIZE = 64;

function binaryKernel(entryPoint: 'add' | 'mul' | 'gelu_tanh_mul') {
  return defineKernel({
    name: `elementwise.${entryPoint}`,
    code: source,
    entryPoint,
    bindings: [
      ['a', 'read-only-storage'],
      ['b', 'read-only-storage'],
      ['y', 'storage'],
    ] as const,
    precision: (p: PointwiseParams) => p.precision,
    overrides: (p: PointwiseParams) => ({ WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE }),
    grid: (p: PointwiseParams) => grid2d(Math.ceil(p.length / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE))),
  });
}

export const addKernel = binaryKernel('add');
export const mulKernel = binaryKernel('mul');
export const geluTanhMulKernel = binaryKernel('gelu_tanh_mul');
