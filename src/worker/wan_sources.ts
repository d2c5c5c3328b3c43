// Where Wan 2.1 1.3B's parts are published on the Hugging Face Hub, as the store keeps them: one
// stored model per part, so Self-Forcing reuses the text encoder and decoder the base model
// downloaded (and deleting one sampler's DiT keeps the rest).
//
// Not checked against the live Hub from here (no network on the machines this was built on): the
// repositories and paths are the ones upstream's READMEs name; TAEHV's host is LightX2V's
// Autoencoders repository (madebyollin/taehv publishes taew2_1.pth on GitHub, which has no
// sha256 listing). A hub other than huggingface.co (a mirror, or the tests' local server) is a
// setting.
import type { WanSampler } from '../model/wan_fit.ts';

export const DEFAULT_HUB = 'https://huggingface.co';

export type WanPartName = 'text' | 'base' | 'self-forcing' | 'decoder';

export interface WanPartSource {
  part: WanPartName;
  /** The model's name in the store (the device panel lists it). */
  name: string;
  repo: string;
  revision: string;
  paths: readonly string[];
}

const WAN_REPO = 'Wan-AI/Wan2.1-T2V-1.3B';

export const WAN_FILES = {
  config: 'config.json',
  umt5: 'models_t5_umt5-xxl-enc-bf16.pth',
  tokenizer: 'google/umt5-xxl/tokenizer.json',
  tokenizerConfig: 'google/umt5-xxl/tokenizer_config.json',
  dit: 'diffusion_pytorch_model.safetensors',
  selfForcing: 'checkpoints/self_forcing_dmd.pt',
  taehv: 'taew2_1.pth',
} as const;

export const WAN_PART_SOURCES: Record<WanPartName, WanPartSource> = {
  text: {
    part: 'text', name: 'Wan2.1 text encoder (umT5-XXL)', repo: WAN_REPO, revision: 'main',
    paths: [WAN_FILES.config, WAN_FILES.umt5, WAN_FILES.tokenizer, WAN_FILES.tokenizerConfig],
  },
  base: { part: 'base', name: 'Wan2.1-T2V-1.3B DiT', repo: WAN_REPO, revision: 'main', paths: [WAN_FILES.dit] },
  'self-forcing': { part: 'self-forcing', name: 'Self-Forcing DiT (DMD)', repo: 'gdhe17/Self-Forcing', revision: 'main', paths: [WAN_FILES.selfForcing] },
  decoder: { part: 'decoder', name: 'TAEHV decoder (taew2.1)', repo: 'lightx2v/Autoencoders', revision: 'main', paths: [WAN_FILES.taehv] },
};

/**
 * The parts a sampler needs, smallest first: the decoder (23 MB), the DiT (3–6 GB), then the text
 * encoder (11 GB), so a broken or unreachable file is met before the longest download.
 */
export function partsFor(sampler: WanSampler): WanPartSource[] {
  return [WAN_PART_SOURCES.decoder, WAN_PART_SOURCES[sampler === 'self-forcing-4' ? 'self-forcing' : 'base'], WAN_PART_SOURCES.text];
}

/** Which part a picked file is, by its name (the last path segment). */
export function pickedFileRole(fileName: string): keyof typeof WAN_FILES | null {
  const base = fileName.split('/').pop() ?? fileName;
  for (const [role, path] of Object.entries(WAN_FILES)) {
    if ((path.split('/').pop() ?? path) === base) return role as keyof typeof WAN_FILES;
  }
  return null;
}
