// Matrix product with int8 weights and per-output-channel scales (shaders/matmul_int8.wgsl);
// weights packed by ../int8.ts; CPU reference in ../reference/matmul_int8.ts.
//
// Same uniforms, tiles and epilogues as ./matmul.ts (one pipeline per tile shape, epilogue, bias
// flag and precision; sizes in the uniform buffer), so the layers call either the same way.
import source from '../../../shaders/matmul_int8.wgsl?raw';
import { defineKernel } from '../kernel.ts';
import { matmulGrid, matmulOverrides, type MatmulParams } from './matmul.ts';

export { matmulUniforms } from './matmul.ts';

const overrides = (p: MatmulParams) => matmulOverrides(p, 4);
const grid = matmulGrid;

/** y = act(s ⊙ x·qᵀ + b); x, b and y are T (p.precision), q packed int8, s f32. */
export const matmulInt8Kernel = defineKernel({
  name: 'matmul_int8',
  code: source,
  entryPoint: 'matmul_int8',
  bindings: [
    ['params', 'uniform'],
    ['x', 'read-only-storage'],
    ['q', 'read-only-storage'],
    ['scales', 'read-only-storage'],
    ['b', 'read-only-storage'],
    ['y', 'storage'],
  ] as const,
  precision: (p: MatmulParams) => p.precision,
  overrides,
  grid,
});

/** residual ← residual + gate ⊙ (s ⊙ x·qᵀ + b), in place; residual and gate are f32. */
export const matmulInt8GatedResidualKernel = defineKernel({
  name: 'matmul_int8_gated_residual',
  code: source,
  entryPoint: 'matmul_int8_gated_residual',
  bindings: [
    ['params', 'uniform'],
    ['x', 'read-only-storage'],
    ['q', 'read-only-storage'],
    ['scales', 'read-only-storage'],
    ['b', 'read-only-storage'],
    ['gate', 'read-only-storage'],
    ['residual', 'storage'],
  ] as const,
  precision: (p: MatmulParams) => p.precision,
  overrides: (p: MatmulParams) => ({ ...overrides(p), EPILOGUE: 0 }),
  grid,
});
