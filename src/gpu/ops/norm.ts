// LayerNorm and RMSNorm over groups of contiguous elements (shaders/norm.wgsl); CPU references in
// ../reference/norm.ts.
//
// Shapes reach the shader as override constants, so a pipeline is compiled per (shape, eps) —
// a handful per model, all in the first forward pass.
import source from '../../../shaders/norm.wgsl?raw';
import { defineKernel, grid2d, type Precision } from '../kernel.ts';

export interface NormParams {
  /** Number of groups normalised independently: rows, or rows·heads for a per-head norm. */
  groups: number;
  /** Elements per group: the row width, or head_dim for a per-head norm. */
  groupSize: number;
  /**
   * Length of the weight (and bias); element i of the input uses weight[i mod weightLength].
   * Defaults to groupSize. Set it to the row width for a weight over the full row.
   */
  weightLength?: number;
  /** ε inside the square root (1e-6 in the DiT, T5's config value in the text encoder). */
  eps: number;
  precision: Precision;
  /** A power of two (the reduction is a tree), at most the device's limit (256 by default). */
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 128;

export function normOverrides(p: NormParams): Record<string, number> {
  const workgroupSize = p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE;
  if (workgroupSize & (workgroupSize - 1)) throw new Error(`norm: workgroup size ${workgroupSize} is not a power of two`);
  return {
    WORKGROUP_SIZE: workgroupSize,
    GROUP_SIZE: p.groupSize,
    GROUPS: p.groups,
    WEIGHT_LENGTH: p.weightLength ?? p.groupSize,
    EPS: p.eps,
  };
}

const common = {
  code: source,
  precision: (p: NormParams) => p.precision,
  overrides: normOverrides,
  // One workgroup per group.
  grid: (p: NormParams) => grid2d(p.groups),
};

/** y = (x − mean) / √(var + eps): LayerNorm without affine (Wan's norm1, norm2, head norm). */
export const layerNormKernel = defineKernel({
  ...common,
  name: 'norm.layer_norm',
  entryPoint: 'layer_norm',
  bindings: [
    ['x', 'read-only-storage'],
    ['y', 'storage'],
  ] as const,
});

/** y = (x − mean) / √(var + eps) · weight + bias (Wan's norm3 before cross-attention). */
export const layerNormAffineKernel = defineKernel({
  ...common,
  name: 'norm.layer_norm_affine',
  entryPoint: 'layer_norm_affine',
  bindings: [
    ['x', 'read-only-storage'],
    ['y', 'storage'],
    ['weight', 'read-only-storage'],
    ['bias', 'read-only-storage'],
  ] as const,
});

/** y = x / √(mean(x²) + eps) · weight: T5 RMSNorm, Wan's q/k norm (per row or per head). */
export const rmsNormKernel = defineKernel({
  ...common,
  name: 'norm.rms_norm',
  entryPoint: 'rms_norm',
  bindings: [
    ['x', 'read-only-storage'],
    ['y', 'storage'],
    ['weight', 'read-only-storage'],
  ] as const,
});
