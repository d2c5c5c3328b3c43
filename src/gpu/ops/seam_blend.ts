// The seam blend after a window sampled from a context (shaders/seam_blend.wgsl, where the why is);
// CPU reference in ../reference/seam_blend.ts. f32: latents are f32 at every precision.
import source from '../../../shaders/seam_blend.wgsl?raw';
import { defineKernel, grid2d } from '../kernel.ts';

export interface SeamBlendParams {
  /** Window latent shape (C, F, H, W). */
  channels: number;
  frames: number;
  height: number;
  width: number;
  /** Given leading frames of the window (≥ 1, < frames). */
  context: number;
  /** The blur's standard deviation, in latent pixels. */
  sigma: number;
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 64;

const overrides = (p: SeamBlendParams) => ({
  WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE,
  CHANNELS: p.channels,
  FRAMES: p.frames,
  HEIGHT: p.height,
  WIDTH: p.width,
  CONTEXT: p.context,
  SIGMA: p.sigma,
  RADIUS: Math.max(1, Math.ceil(3 * p.sigma)),
});
const groupsFor = (count: number, p: SeamBlendParams) => grid2d(Math.ceil(count / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE)));

const bindings = [
  ['x', 'storage'],
  ['offset', 'storage'],
  ['mask', 'read-only-storage'],
] as const;

/** offset (C, H, W) ← blur_σ(x[:, g−1] − x[:, g]). */
export const seamOffsetKernel = defineKernel({
  name: 'seam_blend.offset',
  code: source,
  entryPoint: 'seam_offset',
  bindings,
  overrides,
  grid: (p: SeamBlendParams) => groupsFor(p.channels * p.height * p.width, p),
});

/** x[:, j] += (F − j)/(F − g)·offset for j ≥ g where the mask is 0. In place. */
export const seamRampKernel = defineKernel({
  name: 'seam_blend.ramp',
  code: source,
  entryPoint: 'seam_ramp',
  bindings,
  overrides,
  grid: (p: SeamBlendParams) => groupsFor(p.channels * p.frames * p.height * p.width, p),
});
