// Wan 2.1 T2V-1.3B's parts from their published files (Blobs: downloads kept in the store, or files
// the person picked), each checked against its key-and-shape manifest and uploaded tensor by tensor:
//
//   text     umT5-XXL's encoder, models_t5_umt5-xxl-enc-bf16.pth (int8 Linear weights, umt5.ts),
//            with google/umt5-xxl's tokenizer.json
//   denoise  the DiT: the base model's diffusion_pytorch_model.safetensors, or Self-Forcing's
//            checkpoints/self_forcing_dmd.pt ('generator_ema', 'model.' names) (wan_dit.ts)
//   decode   TAEHV for Wan 2.1, taew2_1.pth (taehv.ts)
//
// The depth comes from the base repository's config.json (num_layers 30 published). A config with
// fewer layers is a reduced test checkpoint (the twins, models/wan/chain.py): then each file is
// checked at that depth, the text encoder's depth and vocabulary are read from its own file, and
// the context may be shorter than 512 tokens (text_len shapes no weight).
// With the published config every file must match its manifest in full.
import type { DType } from '../gpu/tensor.ts';
import { checkAgainstManifest, listingOf, type Reduction, type WeightManifest } from './checkpoint/manifest.ts';
import { PthFile } from './checkpoint/pth.ts';
import { openSafetensors } from './checkpoint/safetensors_blob.ts';
import type { BlobTensorSet } from './checkpoint/tensor_set.ts';
import type { DitConfig, TextEncoderConfig } from './config.ts';
import type { Constants } from './constants.ts';
import type { Dit } from './dit.ts';
import type { GpuWeights } from './gpu_weights.ts';
import { TaehvDecoder } from './taehv.ts';
import { Umt5Encoder } from './umt5.ts';
import { loadWanDit } from './wan_dit.ts';
import { WeightsFormatError } from './weights.ts';

/** WanModel(model_type='t2v', dim=1536, ...) as published (Wan-Video/Wan2.1 wan/configs/wan_t2v_1_3B.py). */
export const WAN_DIT_CONFIG: DitConfig = {
  dim: 1536, num_heads: 12, head_dim: 128, num_layers: 30, ffn_dim: 8960, freq_dim: 256, in_channels: 16, out_channels: 16,
  masked_frame_input: false, patch: [1, 2, 2], text_dim: 4096, text_len: 512, rope_theta: 10000, eps: 1e-6, qk_norm: true, cross_attn_norm: true,
};

/** umt5_xxl(encoder_only=True) as published (wan/modules/t5.py). */
export const UMT5_XXL_CONFIG: TextEncoderConfig = {
  vocab_size: 256384, dim: 4096, num_heads: 64, head_dim: 64, num_layers: 24, ffn_dim: 10240, num_buckets: 32, max_distance: 128, text_len: 512, eps: 1e-6,
};

export type WanDitKind = 'base' | 'self-forcing';

/** The manifests (models/wan/manifests), read when a Wan model is first loaded, not with the app. */
const MANIFESTS = {
  dit: () => import('../../models/wan/manifests/wan2.1-t2v-1.3b-dit.json'),
  selfForcing: () => import('../../models/wan/manifests/self-forcing-dmd.json'),
  umt5: () => import('../../models/wan/manifests/umt5-xxl-encoder.json'),
  taehv: () => import('../../models/wan/manifests/taew2.1.json'),
};

async function manifest(name: keyof typeof MANIFESTS): Promise<WeightManifest> {
  return (await MANIFESTS[name]()).default as unknown as WeightManifest;
}

/** config.json's fields that must be the published model's (num_layers may be fewer: a test checkpoint). */
const CONFIG_FIELDS: Record<string, number> = {
  dim: WAN_DIT_CONFIG.dim, ffn_dim: WAN_DIT_CONFIG.ffn_dim, freq_dim: WAN_DIT_CONFIG.freq_dim, in_dim: WAN_DIT_CONFIG.in_channels,
  out_dim: WAN_DIT_CONFIG.out_channels, num_heads: WAN_DIT_CONFIG.num_heads,
};

/** The DiT's config from the repository's config.json; `reduced` when it has fewer blocks than published. */
export function wanDitConfig(json: unknown, label = 'config.json'): { config: DitConfig; reduced: boolean } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new WeightsFormatError(`${label} is not a JSON object`);
  const fields = json as Record<string, unknown>;
  if (fields.model_type !== undefined && fields.model_type !== 't2v') throw new WeightsFormatError(`${label} is for model_type ${String(fields.model_type)}, not Wan's text-to-video (t2v)`);
  const wrong = Object.entries(CONFIG_FIELDS).filter(([key, want]) => fields[key] !== want);
  if (wrong.length > 0) {
    throw new WeightsFormatError(`${label} is not Wan2.1-T2V-1.3B's: ${wrong.map(([key, want]) => `${key} ${String(fields[key])} (expected ${want})`).join(', ')}`);
  }
  const layers = fields.num_layers;
  if (!Number.isInteger(layers) || (layers as number) < 1 || (layers as number) > WAN_DIT_CONFIG.num_layers) {
    throw new WeightsFormatError(`${label}: num_layers ${String(layers)} is not 1–${WAN_DIT_CONFIG.num_layers}`);
  }
  const reduced = layers !== WAN_DIT_CONFIG.num_layers;
  const textLen = fields.text_len;
  if (textLen !== WAN_DIT_CONFIG.text_len && !(reduced && Number.isInteger(textLen) && (textLen as number) >= 1 && (textLen as number) < WAN_DIT_CONFIG.text_len)) {
    throw new WeightsFormatError(`${label}: text_len ${String(textLen)} is not Wan's ${WAN_DIT_CONFIG.text_len}`);
  }
  return { config: { ...WAN_DIT_CONFIG, num_layers: layers as number, text_len: textLen as number }, reduced };
}

export type WanWeightFile = 'dit' | 'selfForcing' | 'umt5' | 'taehv';

const FILE_NAMES: Record<WanWeightFile, string> = {
  dit: 'diffusion_pytorch_model.safetensors', selfForcing: 'self_forcing_dmd.pt', umt5: 'models_t5_umt5-xxl-enc-bf16.pth', taehv: 'taew2_1.pth',
};

/**
 * A weight file's tensors, from its header alone (a safetensors header; a .pth's zip directory and
 * pickle): a malformed or hostile file is refused here, before anything else is read. Self-Forcing's
 * state dict is its 'generator_ema' entry.
 */
export async function openWanFile(role: WanWeightFile, blob: Blob): Promise<BlobTensorSet> {
  const name = FILE_NAMES[role];
  if (role === 'dit') return openSafetensors(blob, name);
  const file = await PthFile.open(blob, name);
  if (role !== 'selfForcing') return file.stateDict();
  if (!file.keys.includes('generator_ema')) {
    throw new WeightsFormatError(`${name} holds ${file.keys.join(', ') || 'no named entries'}, not Self-Forcing's 'generator_ema'`);
  }
  return file.stateDict('generator_ema');
}

/** How a file departs from its manifest: the config's depth for the DiTs, the file's own for a reduced umT5. */
function reductionOf(role: WanWeightFile, set: BlobTensorSet, config: DitConfig, reduced: boolean): Reduction {
  if (role === 'taehv') return {};
  if (role === 'umt5') return umt5Shape(set, reduced).reduction;
  return config.num_layers === WAN_DIT_CONFIG.num_layers ? {} : { layers: config.num_layers };
}

/**
 * Checks a weight file against its manifest (names, shapes, float dtypes) at `config`'s depth,
 * reading only its header: a renamed, missing or reshaped tensor is refused before any upload.
 */
export async function checkWanFile(role: WanWeightFile, blob: Blob, config: DitConfig, reduced: boolean): Promise<void> {
  const set = await openWanFile(role, blob);
  checkAgainstManifest(listingOf(set), await manifest(role), reductionOf(role, set, config, reduced), set.label);
}

/** The DiT from its published file, in `dtype`; `config` from wanDitConfig. */
export async function loadWanDitFile(
  device: GPUDevice,
  kind: WanDitKind,
  blob: Blob,
  config: DitConfig,
  constants: Constants,
  dtype: DType,
): Promise<{ dit: Dit; weights: GpuWeights }> {
  const role = kind === 'base' ? 'dit' : 'selfForcing';
  const set = await openWanFile(role, blob);
  const reduction = reductionOf(role, set, config, false);
  return loadWanDit(device, set, await manifest(role), config, constants, { dtype, reduction, ...(role === 'selfForcing' && { prefix: 'model.' }) });
}

/** The text encoder's config and reduction: published, or (for a reduced test checkpoint) read from its file. */
function umt5Shape(set: BlobTensorSet, reduced: boolean): { config: TextEncoderConfig; reduction: Reduction } {
  if (!reduced) return { config: UMT5_XXL_CONFIG, reduction: {} };
  const blocks = new Set(set.names.map((name) => /^blocks\.(\d+)\./.exec(name)?.[1]).filter((i) => i !== undefined)).size;
  const table = set.has('token_embedding.weight') ? set.info('token_embedding.weight').shape : [];
  const vocab = table[0] ?? 0;
  if (blocks < 1 || vocab < 1) throw new WeightsFormatError('models_t5_umt5-xxl-enc-bf16.pth has no blocks or no token table');
  return {
    config: { ...UMT5_XXL_CONFIG, num_layers: blocks, vocab_size: vocab },
    reduction: { layers: blocks, shapes: { 'token_embedding.weight': [vocab, UMT5_XXL_CONFIG.dim] } },
  };
}

/** umT5-XXL's encoder from its .pth: int8 Linear weights, activations in `dtype`. */
export async function loadUmt5File(device: GPUDevice, blob: Blob, reduced: boolean, constants: Constants, dtype: DType): Promise<Umt5Encoder> {
  const set = await openWanFile('umt5', blob);
  const { config, reduction } = umt5Shape(set, reduced);
  return Umt5Encoder.load(device, set, await manifest('umt5'), config, constants, { dtype, reduction });
}

/** TAEHV's decoder from taew2_1.pth, in `dtype`. */
export async function loadTaehvFile(device: GPUDevice, blob: Blob, dtype: DType): Promise<TaehvDecoder> {
  const set = await openWanFile('taehv', blob);
  return TaehvDecoder.load(device, set, await manifest('taehv'), dtype);
}
