// Pointwise activations (shaders/activations.wgsl); CPU references in ../reference/activations.ts.
import source from '../../../shaders/activations.wgsl?raw';
import { pointwiseKernel } from './pointwise.ts';

export type { PointwiseParams } from './pointwise.ts';

const bindings = [
  ['x', 'read-only-storage'],
  ['y', 'storage'],
] as const;

export const geluTanhKernel = pointwiseKernel('activations.gelu_tanh', source, 'gelu_tanh', bindings);
export const siluKernel = pointwiseKernel('activations.silu', source, 'silu', bindings);
