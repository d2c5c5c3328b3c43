// Elementwise binary ops (shaders/elementwise.wgsl); CPU references in ../reference/elementwise.ts.
import source from '../../../shaders/elementwise.wgsl?raw';
import { pointwiseKernel } from './pointwise.ts';

const bindings = [
  ['a', 'read-only-storage'],
  ['b', 'read-only-storage'],
  ['y', 'storage'],
] as const;

export const addKernel = pointwiseKernel('elementwise.add', source, 'add', bindings);
export const mulKernel = pointwiseKernel('elementwise.mul', source, 'mul', bindings);
export const geluTanhMulKernel = pointwiseKernel('elementwise.gelu_tanh_mul', source, 'gelu_tanh_mul', bindings);
