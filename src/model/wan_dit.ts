// Wan 2.1's DiT from its published checkpoints — diffusion_pytorch_model.safetensors (f32, or bf16
// repacks, single or sharded) and Self-Forcing's .pt (the same names under 'generator_ema', each
// prefixed 'model.') — on our DiT (dit.ts), whose names are Wan's. The file is checked against the
// key-and-shape manifest first, then read and uploaded one tensor at a time in the precision the
// kernels read it in, so no step holds more than one tensor (the FFN's 55 MB in f32) in memory.
import type { DType } from '../gpu/tensor.ts';
import { checkAgainstManifest, listingOf, type Reduction, type WeightManifest } from './checkpoint/manifest.ts';
import { StagedTensors, uploadOneByOne } from './checkpoint/staged_tensors.ts';
import type { BlobTensorSet } from './checkpoint/tensor_set.ts';
import type { DitConfig } from './config.ts';
import type { Constants } from './constants.ts';
import { Dit } from './dit.ts';
import { GpuWeights } from './gpu_weights.ts';

export interface WanDitOptions {
  dtype: DType;
  /** Self-Forcing's 'model.' before every name; '' for the base model's files. */
  prefix?: string;
  maxBindingBytes?: number;
  /** The checkpoint's departure from the published one (a test twin's fewer blocks). */
  reduction?: Reduction;
}

/** How dit.ts reads each tensor: modulation tables in f32, Linear and patch weights as row blocks, the rest as is. */
function uploadFor(weights: GpuWeights, name: string, shape: readonly number[], dtype: DType): { dtype: DType; upload: () => void } {
  if (name.endsWith('modulation')) return { dtype: 'f32', upload: () => void weights.get(name, 'f32') };
  if (name.endsWith('.weight') && shape.length >= 2) return { dtype, upload: () => void weights.matrix(name, dtype) };
  return { dtype, upload: () => void weights.get(name, dtype) };
}

export async function loadWanDit(
  device: GPUDevice,
  set: BlobTensorSet,
  manifest: WeightManifest,
  config: DitConfig,
  constants: Constants,
  options: WanDitOptions,
): Promise<{ dit: Dit; weights: GpuWeights }> {
  checkAgainstManifest(listingOf(set), manifest, options.reduction, set.label);
  const prefix = options.prefix ?? '';
  const staged = new StagedTensors(set);
  const weights = new GpuWeights(device, staged, options.maxBindingBytes, prefix);
  await uploadOneByOne(
    staged,
    set.names.map((full) => {
      const { dtype, upload } = uploadFor(weights, full.slice(prefix.length), set.info(full).shape, options.dtype);
      return { name: full, dtype, upload };
    }),
  );
  return { dit: new Dit(config, weights, options.dtype, constants), weights };
}
