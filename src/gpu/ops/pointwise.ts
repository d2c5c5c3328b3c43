// The shape shared by elementwise kernels (activations, binary ops, casts): one invocation per
// element, WORKGROUP_SIZE as an override, a grid folded into y when it is long.
import { defineKernel, grid2d, type BindingKind, type Precision } from '../kernel.ts';

export interface PointwiseParams {
  /** Number of elements. */
  length: number;
  precision: Precision;
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 64;

export function pointwiseKernel<Binding extends string>(
  name: string,
  code: string,
  entryPoint: string,
  bindings: readonly (readonly [Binding, BindingKind])[],
) {
  return defineKernel({
    name,
    code,
    entryPoint,
    bindings,
    precision: (p: PointwiseParams) => p.precision,
    overrides: (p: PointwiseParams) => ({ WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE }),
    grid: (p: PointwiseParams) => grid2d(Math.ceil(p.length / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE))),
  });
}
