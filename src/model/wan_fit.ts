// "Will it fit?" for the Wan 2.1 1.3B family, before anything is downloaded: the bytes of each part,
// the peak GPU memory of each phase at the chosen size and length, and the adapter's hard limits.
//
// WebGPU does not say how much memory a GPU has, so the verdict is: can this adapter run it at all
// (shader-f16; every buffer the run binds within maxStorageBufferBindingSize and maxBufferSize),
// and how much GPU memory each phase needs at its peak, for the person to weigh against their card.
// The phases run one after another and each frees what it made: the text encoder (int8 weights)
// is released before the DiT's weights are uploaded, and the DiT before the decoder runs.
//
// Figures are estimates from the architecture (parameters from models/wan/manifests, activations
// from the kernels' buffers), not measurements: no real GPU and no real weights were available.
import type { GpuReport } from '../gpu/device.ts';

export type WanSampler = 'flow-matching-50' | 'self-forcing-4';

export interface WanModelChoice {
  sampler: WanSampler;
  /** Pixels; multiples of 16. Offered: 480×832 and smaller (320×512). */
  height: number;
  width: number;
  /** 1–10 s at 16 frames per second. */
  seconds: number;
}

/** Published file sizes (bytes) and parameters, from the manifests and the Hub's listings. */
export const WAN_PARTS = {
  dit: { label: 'DiT (Wan2.1-T2V-1.3B, bf16 repack)', downloadBytes: 2_840_000_000, parameters: 1_418_996_800 },
  selfForcing: { label: 'DiT (Self-Forcing DMD, .pt)', downloadBytes: 5_680_000_000, parameters: 1_418_996_800 },
  // umT5-XXL encoder: 5.68 B parameters of which 1.05 B are the token table (kept on disk, never uploaded).
  umt5: { label: 'Text encoder (umT5-XXL, bf16 .pth)', downloadBytes: 11_400_000_000, parameters: 5_680_910_336, tableParameters: 256_384 * 4096 },
  taehv: { label: 'Decoder (TAEHV taew2.1)', downloadBytes: 22_700_000, parameters: 11_315_539 },
} as const;

const DIT = { dim: 1536, ffn: 8960, layers: 30, textLen: 512 };
const UMT5 = { dim: 4096, ffn: 10240, heads: 64, layers: 24, textLen: 512 };
/** Wan 2.1's frame rate. */
export const WAN_FPS = 16;
const SELF_FORCING_CHUNK_FRAMES = 3;

export interface Phase {
  name: 'text' | 'denoise' | 'decode';
  /** GPU bytes at the phase's peak: weights resident then plus activations. */
  peakBytes: number;
  /** The largest single buffer the phase binds (a binding must hold it whole). */
  largestBindingBytes: number;
}

export interface WanFit {
  /** Whether this adapter can run the choice at all; `problems` says why not. */
  runs: boolean;
  problems: string[];
  parts: { label: string; downloadBytes: number }[];
  downloadBytes: number;
  phases: Phase[];
  /** The most GPU memory any phase needs. */
  peakBytes: number;
  latentFrames: number;
  tokens: number;
}

/** Frames of a clip of `seconds` at 16 fps, the first frame alone: 16·s + 1 (5 s → 81). */
export function wanFrames(seconds: number): number {
  return Math.round(seconds * WAN_FPS) + 1;
}

/** Latent frames of a clip of `frames` frames, 4k + 1 (4× temporal compression, the first frame alone). */
export function latentFramesOf(frames: number): number {
  if (!Number.isInteger(frames) || frames < 1 || (frames - 1) % 4 !== 0) throw new RangeError(`a Wan clip has 4k + 1 frames (got ${frames})`);
  return (frames - 1) / 4 + 1;
}

/** Latent frames of a clip of `seconds` (81 frames → 21); lengths between whole latent frames round down. */
export function wanLatentFrames(seconds: number): number {
  return Math.floor((wanFrames(seconds) - 1) / 4) + 1;
}

export function wanFit(choice: WanModelChoice, gpu: Pick<GpuReport, 'features' | 'limits'>): WanFit {
  const latentFrames = wanLatentFrames(choice.seconds);
  const tokensPerFrame = (choice.height / 16) * (choice.width / 16); // VAE 8×, patch 2×
  const tokens = latentFrames * tokensPerFrame;
  const selfForcing = choice.sampler === 'self-forcing-4';
  // Tokens one DiT call sees: a chunk for Self-Forcing, the whole clip for the base model.
  const callTokens = selfForcing ? Math.min(latentFrames, SELF_FORCING_CHUNK_FRAMES) * tokensPerFrame : tokens;
  const f16 = 2;

  // Text: int8 block weights (1 byte each, plus a f32 scale per row) and 512-token activations.
  const umt5Int8 = WAN_PARTS.umt5.parameters - WAN_PARTS.umt5.tableParameters;
  const umt5Activations = UMT5.textLen * (UMT5.dim * 4 * 3 + UMT5.ffn * f16 * 3) + UMT5.heads * (2 * UMT5.textLen) * f16 * UMT5.layers;
  const text: Phase = { name: 'text', peakBytes: umt5Int8 * 1.001 + umt5Activations, largestBindingBytes: Math.max(UMT5.ffn * UMT5.dim, UMT5.textLen * UMT5.ffn * f16) };

  // Denoise: f16 DiT weights, per-block text keys and values, one call's activations (the f32
  // residual, five dim-wide f16 tensors, the FFN's hidden layer), and Self-Forcing's KV cache.
  const ditWeights = WAN_PARTS.dit.parameters * f16;
  const textKv = 2 * DIT.layers * DIT.textLen * DIT.dim * f16;
  const activations = callTokens * (DIT.dim * 4 + 5 * DIT.dim * f16 + DIT.ffn * f16);
  const kvLayerBytes = tokens * DIT.dim * f16;
  const kvCache = selfForcing ? 2 * DIT.layers * kvLayerBytes : 0;
  const denoise: Phase = {
    name: 'denoise',
    peakBytes: ditWeights + textKv + activations + kvCache,
    largestBindingBytes: Math.max(DIT.ffn * DIT.dim * f16, callTokens * DIT.ffn * f16, selfForcing ? kvLayerBytes : 0),
  };

  // Decode: TAEHV in f16; its widest activations are 64 channels at full size for a few frames in flight.
  const frameBytes = 64 * choice.height * choice.width * f16;
  const decode: Phase = { name: 'decode', peakBytes: WAN_PARTS.taehv.parameters * f16 + 6 * frameBytes, largestBindingBytes: 4 * frameBytes };

  const phases = [text, denoise, decode];
  const problems: string[] = [];
  if (!gpu.features['shader-f16']) problems.push('this GPU has no shader-f16 (16-bit floats in shaders), which the 1.3B model needs');
  const largest = Math.max(...phases.map((p) => p.largestBindingBytes));
  const { maxStorageBufferBindingSize: binding, maxBufferSize: buffer } = gpu.limits;
  if (largest > binding) problems.push(`a ${gb(largest)} buffer must be bound whole, over this GPU's ${gb(binding)} binding limit: choose a smaller size or fewer seconds`);
  if (largest > buffer) problems.push(`a ${gb(largest)} buffer exceeds this GPU's ${gb(buffer)} largest buffer`);
  const dit = selfForcing ? WAN_PARTS.selfForcing : WAN_PARTS.dit;
  const parts = [dit, WAN_PARTS.umt5, WAN_PARTS.taehv].map(({ label, downloadBytes }) => ({ label, downloadBytes }));
  return {
    runs: problems.length === 0,
    problems,
    parts,
    downloadBytes: parts.reduce((sum, p) => sum + p.downloadBytes, 0),
    phases,
    peakBytes: Math.max(...phases.map((p) => p.peakBytes)),
    latentFrames,
    tokens,
  };
}

/** Bytes as gigabytes with one decimal ("5.7 GB"). */
export function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}
