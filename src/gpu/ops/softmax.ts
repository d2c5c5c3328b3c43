// Softmax over the last dimension (shaders/softmax.wgsl); CPU reference in ../reference/softmax.ts.
import source from '../../../shaders/softmax.wgsl?raw';
import { defineKernel, grid2d, type Precision } from '../kernel.ts';

export interface SoftmaxParams {
  rows: number;
  /** Elements per row (the softmax axis). */
  width: number;
  precision: Precision;
  /** A power of two (tree reduction). */
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 128;

/** y (rows, width) = softmax of x (rows, width) along width; out of place. */
export const softmaxKernel = defineKernel({
  name: 'softmax.softmax',
  code: source,
  entryPoint: 'softmax',
  bindings: [
    ['x', 'read-only-storage'],
    ['y', 'storage'],
  ] as const,
  precision: (p: SoftmaxParams) => p.precision,
  overrides: (p: SoftmaxParams) => {
    const workgroupSize = p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE;
    if (workgroupSize & (workgroupSize - 1)) throw new Error(`softmax: workgroup size ${workgroupSize} is not a power of two`);
    return { WORKGROUP_SIZE: workgroupSize, ROWS: p.rows, WIDTH: p.width };
  },
  // One workgroup per row.
  grid: (p: SoftmaxParams) => grid2d(p.rows),
});
