// A model's config (models/configs/<name>.json): the single source of hyperparameters, read by
// TypeScript here and by Python in models/train/config.py. The JSON's "$comment" explains each
// section; this file gives it types and checks it before the engine trusts it.

/** The shapes of video a model may make: the keys of its latent.aspect_buckets. */
export type AspectRatio = '1:1' | '16:9' | '9:16';

export interface TextEncoderConfig {
  vocab_size: number;
  dim: number;
  num_heads: number;
  head_dim: number;
  num_layers: number;
  ffn_dim: number;
  num_buckets: number;
  max_distance: number;
  text_len: number;
  eps: number;
}

export interface DitConfig {
  dim: number;
  num_heads: number;
  head_dim: number;
  num_layers: number;
  ffn_dim: number;
  freq_dim: number;
  /** Latent channels C. With masked_frame_input the patch embedding takes 2·C + 1 channels. */
  in_channels: number;
  out_channels: number;
  masked_frame_input: boolean;
  patch: [number, number, number];
  text_dim: number;
  text_len: number;
  rope_theta: number;
  eps: number;
  qk_norm: boolean;
  cross_attn_norm: boolean;
}

export interface VaeConfig {
  latent_channels: number;
  image_channels: number;
  spatial_factor: number;
  temporal_factor: number;
  /** The encoder's first conv patchifies (kernel = stride = patch_size); the decoder ends in a pixel shuffle. */
  patch_size: number;
  base_channels: number;
  channel_mult: number[];
  num_res_blocks: number;
  decoder_res_blocks: number;
}

export interface ModelConfig {
  name: string;
  version: string;
  text_encoder: TextEncoderConfig;
  dit: DitConfig;
  vae: VaeConfig;
  latent: {
    channels: number;
    spatial_factor: number;
    temporal_factor: number;
    frame_rate: number;
    /** [height, width] in pixels per aspect ratio. */
    aspect_buckets: Partial<Record<AspectRatio, [number, number]>>;
  };
  chunk: {
    latent_frames: number;
    context_latent_frames: number;
    /**
     * σ in latent pixels of the seam blend that ends each window sampled after a context
     * (shaders/seam_blend.wgsl); absent or 0: none.
     */
    seam_blend_sigma?: number;
  };
  sampler: { steps: number; shift: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Shape = 'int' | 'number' | 'bool' | 'string' | 'int[]' | { [key: string]: Shape };

const TEXT_ENCODER: Record<keyof TextEncoderConfig, Shape> = {
  vocab_size: 'int', dim: 'int', num_heads: 'int', head_dim: 'int', num_layers: 'int', ffn_dim: 'int',
  num_buckets: 'int', max_distance: 'int', text_len: 'int', eps: 'number',
};
const DIT: Record<keyof DitConfig, Shape> = {
  dim: 'int', num_heads: 'int', head_dim: 'int', num_layers: 'int', ffn_dim: 'int', freq_dim: 'int',
  in_channels: 'int', out_channels: 'int', masked_frame_input: 'bool', patch: 'int[]', text_dim: 'int',
  text_len: 'int', rope_theta: 'number', eps: 'number', qk_norm: 'bool', cross_attn_norm: 'bool',
};
const VAE: Record<keyof VaeConfig, Shape> = {
  latent_channels: 'int', image_channels: 'int', spatial_factor: 'int', temporal_factor: 'int',
  patch_size: 'int', base_channels: 'int', channel_mult: 'int[]', num_res_blocks: 'int', decoder_res_blocks: 'int',
};
const SCHEMA: Shape = {
  name: 'string',
  version: 'string',
  text_encoder: TEXT_ENCODER,
  dit: DIT,
  vae: VAE,
  latent: { channels: 'int', spatial_factor: 'int', temporal_factor: 'int', frame_rate: 'int' },
  chunk: { latent_frames: 'int', context_latent_frames: 'int' },
  sampler: { steps: 'int', shift: 'number' },
};

function check(value: unknown, shape: Shape, path: string): void {
  const fail = (what: string) => new ConfigError(`config ${path || '(root)'} ${what}`);
  if (typeof shape === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('must be an object');
    for (const [key, inner] of Object.entries(shape)) check((value as Record<string, unknown>)[key], inner, path ? `${path}.${key}` : key);
    return;
  }
  const ok =
    shape === 'int' ? Number.isInteger(value) && (value as number) >= 0
    : shape === 'number' ? typeof value === 'number' && Number.isFinite(value)
    : shape === 'bool' ? typeof value === 'boolean'
    : shape === 'string' ? typeof value === 'string'
    : Array.isArray(value) && value.every((v) => Number.isInteger(v) && v > 0);
  if (!ok) throw fail(`must be ${shape === 'int' ? 'a whole number ≥ 0' : shape === 'int[]' ? 'a list of positive whole numbers' : `a ${shape}`}`);
}

/** Checks a parsed config JSON and the relations the engine relies on. */
export function parseModelConfig(json: unknown): ModelConfig {
  check(json, SCHEMA, '');
  const config = json as ModelConfig;
  const { dit, text_encoder: text, latent, chunk } = config;
  const relation = (ok: boolean, what: string) => {
    if (!ok) throw new ConfigError(`config: ${what}`);
  };
  relation(dit.num_heads * dit.head_dim === dit.dim, 'dit.num_heads × dit.head_dim must equal dit.dim');
  relation(dit.head_dim % 2 === 0, 'dit.head_dim must be even (RoPE rotates pairs)');
  relation(dit.patch.length === 3, 'dit.patch must have three entries (frame, row, column)');
  relation(dit.text_dim === text.dim, 'dit.text_dim must equal text_encoder.dim');
  relation(dit.in_channels === latent.channels, 'dit.in_channels must equal latent.channels');
  relation(chunk.context_latent_frames < chunk.latent_frames, 'chunk.context_latent_frames must be below chunk.latent_frames');
  const seam = chunk.seam_blend_sigma;
  relation(seam === undefined || (typeof seam === 'number' && Number.isFinite(seam) && seam >= 0 && seam <= 8), 'chunk.seam_blend_sigma, when given, must be a number from 0 to 8 (latent pixels)');
  const { vae } = config;
  relation(vae.spatial_factor === latent.spatial_factor, 'vae.spatial_factor must equal latent.spatial_factor');
  relation(
    vae.patch_size * 2 ** (vae.channel_mult.length - 1) === vae.spatial_factor,
    'vae.spatial_factor must be vae.patch_size × 2^(channel_mult entries − 1)',
  );
  const bucketMultiple = latent.spatial_factor * (dit.patch[1] ?? 1);
  for (const [aspect, size] of Object.entries(latent.aspect_buckets ?? {})) {
    relation(
      Array.isArray(size) && size.length === 2 && size.every((s) => Number.isInteger(s) && s > 0 && s % bucketMultiple === 0),
      `latent.aspect_buckets["${aspect}"] must be [height, width], multiples of ${bucketMultiple}`,
    );
  }
  return config;
}

/** Channels the DiT's patch embedding reads: noisy latents, plus given latents and a mask. */
export function ditInputChannels(dit: DitConfig): number {
  return dit.masked_frame_input ? 2 * dit.in_channels + 1 : dit.in_channels;
}
