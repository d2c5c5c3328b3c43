// Sampler updates and the latent → VAE layout change (shaders/sampler.wgsl); CPU references in
// ../reference/sampler.ts. f32 only: latents and velocities are f32 at every precision.
import source from '../../../shaders/sampler.wgsl?raw';
import { defineKernel, grid2d } from '../kernel.ts';

export interface SamplerParams {
  /** Latent shape (C, F, H, W). */
  channels: number;
  frames: number;
  height: number;
  width: number;
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 64;

const overrides = (p: SamplerParams) => ({
  WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE,
  PLANE: p.frames * p.height * p.width,
  CHANNELS: p.channels,
  FRAMES: p.frames,
  PIXELS: p.height * p.width,
});
const grid = (p: SamplerParams) => grid2d(Math.ceil((p.channels * p.frames * p.height * p.width) / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE)));

/** The uniform both updates read: σ then σ_next, f32. */
export const sigmasBytes = (sigma: number, sigmaNext: number) => new Float32Array([sigma, sigmaNext]);

/** x ← (1 − σ_next)·(x − σ·v) + σ_next·noise, and x = clean where mask = 1. In place. */
export const fewStepKernel = defineKernel({
  name: 'sampler.few_step',
  code: source,
  entryPoint: 'few_step',
  bindings: [
    ['x', 'storage'],
    ['v', 'read-only-storage'],
    ['clean', 'read-only-storage'],
    ['mask', 'read-only-storage'],
    ['sigmas', 'uniform'],
    ['noise', 'read-only-storage'],
  ] as const,
  overrides,
  grid,
});

/** x ← x + (σ_next − σ)·v, and x = clean where mask = 1. In place. */
export const eulerKernel = defineKernel({
  name: 'sampler.euler',
  code: source,
  entryPoint: 'euler',
  bindings: [
    ['x', 'storage'],
    ['v', 'read-only-storage'],
    ['clean', 'read-only-storage'],
    ['mask', 'read-only-storage'],
    ['sigmas', 'uniform'],
  ] as const,
  overrides,
  grid,
});

/** Guided Euler: x ← x + (σ_next − σ)·(v_uncond + guidance·(v − v_uncond)), clean where mask = 1. In place. */
export const guidedEulerKernel = defineKernel({
  name: 'sampler.guided_euler',
  code: source,
  entryPoint: 'guided_euler',
  bindings: [
    ['x', 'storage'],
    ['v', 'read-only-storage'],
    ['clean', 'read-only-storage'],
    ['mask', 'read-only-storage'],
    ['sigmas', 'uniform'],
    ['vUncond', 'read-only-storage'],
  ] as const,
  // The guidance scale is fixed for a clip: an override, one pipeline per scale.
  overrides: (p: SamplerParams & { guidance: number }) => ({ ...overrides(p), GUIDANCE: p.guidance }),
  grid,
});

/** latents (C, F, H, W) → frames (F, C, H, W): the VAE decodes frame by frame. */
export const toFramesKernel = defineKernel({
  name: 'sampler.to_frames',
  code: source,
  entryPoint: 'to_frames',
  bindings: [
    ['latents', 'read-only-storage'],
    ['frames', 'storage'],
  ] as const,
  overrides,
  grid,
});
