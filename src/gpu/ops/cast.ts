// f32 → storage type conversion (shaders/cast.wgsl). Its CPU reference is rounding to the storage
// type (f16: src/gpu/f16.ts).
import source from '../../../shaders/cast.wgsl?raw';
import { defineKernel, grid2d } from '../kernel.ts';
import type { PointwiseParams } from './activations.ts';

const DEFAULT_WORKGROUP_SIZE = 64;

/** x (f32) → y (T). */
export const castToStorageKernel = defineKernel({
  name: 'cast.to_storage',
  code: source,
  entryPoint: 'to_storage',
  bindings: [
    ['x', 'read-only-storage'],
    ['y', 'storage'],
  ] as const,
  precision: (p: PointwiseParams) => p.precision,
  overrides: (p: PointwiseParams) => ({ WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE }),
  grid: (p: PointwiseParams) => grid2d(Math.ceil(p.length / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE))),
});
