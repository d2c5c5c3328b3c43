// Patchify / unpatchify for (1, 2, 2) patches (shaders/patchify.wgsl); CPU references in
// ../reference/patchify.ts.
import source from '../../../shaders/patchify.wgsl?raw';
import { defineKernel, grid2d, type Precision } from '../kernel.ts';

export interface PatchifyParams {
  /** Channels of the (first) latent input, or of unpatchify's output. */
  channels: number;
  /** Channels of the second and third inputs of patchifyConcatKernel (0 when absent). */
  channelsB?: number;
  channelsC?: number;
  /** Latent frames, height and width; height and width even. */
  frames: number;
  height: number;
  width: number;
  precision: Precision;
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 64;

function define<B extends string>(entryPoint: string, bindings: readonly (readonly [B, 'read-only-storage' | 'storage'])[]) {
  return defineKernel({
    name: `patchify.${entryPoint}`,
    code: source,
    entryPoint,
    bindings,
    precision: (p: PatchifyParams) => p.precision,
    overrides: (p: PatchifyParams) => {
      if (p.height % 2 || p.width % 2) throw new Error(`patchify: latent ${p.height}×${p.width} is not divisible by the 2×2 patch`);
      return {
        WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE,
        CHANNELS: p.channels,
        CHANNELS_B: p.channelsB ?? 0,
        CHANNELS_C: p.channelsC ?? 0,
        FRAMES: p.frames,
        HEIGHT: p.height,
        WIDTH: p.width,
      };
    },
    // One invocation per output element (as many as input elements).
    grid: (p: PatchifyParams) => {
      const channels = p.channels + (p.channelsB ?? 0) + (p.channelsC ?? 0);
      return grid2d(Math.ceil((channels * p.frames * p.height * p.width) / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE)));
    },
  });
}

/** latents (C, F, H, W) → tokens (F·H/2·W/2, C·4), column c·4 + kh·2 + kw (Conv3d weight order). */
export const patchifyKernel = define('patchify', [
  ['latents', 'read-only-storage'],
  ['tokens', 'storage'],
] as const);

/** Patchify of the channel concatenation [a; b; c] (e.g. noisy latents, clean latents, mask). */
export const patchifyConcatKernel = define('patchify_concat', [
  ['a', 'read-only-storage'],
  ['tokens', 'storage'],
  ['b', 'read-only-storage'],
  ['c', 'read-only-storage'],
] as const);

/** head output (F·H/2·W/2, 4·C), column (kh·2 + kw)·C + c (channel last, as Wan) → latents (C, F, H, W). */
export const unpatchifyKernel = define('unpatchify', [
  ['tokens', 'read-only-storage'],
  ['latents', 'storage'],
] as const);
