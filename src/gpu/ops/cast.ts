// f32 → storage type conversion (shaders/cast.wgsl). Its CPU reference is rounding to the storage
// type (f16: src/gpu/f16.ts).
import source from '../../../shaders/cast.wgsl?raw';
import { pointwiseKernel } from './pointwise.ts';

/** x (f32) → y (T). */
export const castToStorageKernel = pointwiseKernel('cast.to_storage', source, 'to_storage', [
  ['x', 'read-only-storage'],
  ['y', 'storage'],
] as const);
