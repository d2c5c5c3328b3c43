// What generate_clip.ts needs from a backend, and nothing more: a window runner (prompt → text
// state once per clip; text + noise → one window's clean latents) and a decoder (latents →
// RGBA frames). The WebGPU backend keeps latents in GPU buffers (webgpu_backend.ts), the WASM
// backend in Float32Arrays (wasm_backend.ts); the clip loop never looks inside either.
import type { ModelConfig } from '../model/config.ts';
import type { FrameEncoder } from '../model/vae_encoder.ts';
import type { Solver } from './generate_window.ts';
import type { LatentColourMap } from './latent_preview.ts';
import type { GivenFrame } from './given_frames.ts';

/**
 * Where the text encoder and DiT run: 'webgpu' on our WGSL kernels (VAE on ORT-web's WebGPU EP
 * on the same device), 'wasm' as the model's ONNX graphs on ORT-web's WASM EP (VAE too).
 */
export type Backend = 'webgpu' | 'wasm';

/** One window of a clip, in latent units. */
export interface WindowSpec {
  seed: number;
  /** Latent frames and latent height and width. */
  frames: number;
  height: number;
  width: number;
  steps: number;
  solver?: Solver;
  /** First RNG stream: window w of a clip starts at w·(steps + 1). */
  firstStream: number;
  /** Latent frames given at window positions (a start or end image, an extended clip's last frames). */
  given?: GivenFrame[];
}

export interface PromptState<Text> {
  text: Text;
  /** Prompt words the tokenizer does not know (they became [UNK]). */
  unknownWords: string[];
}

export interface WindowRunEvents {
  signal?: AbortSignal;
  /** After step `step` (1-based) of `steps` has finished. */
  onStep?: (step: number, steps: number) => void | Promise<void>;
  /**
   * Step k's estimate of the window's clean latents (C, F, H, W), for a live preview. Only backends
   * whose latents live in CPU memory offer it: on the GPU it would mean a read-back inside the
   * sampler loop, which DESIGN.md's performance rules forbid.
   */
  onEstimate?: (estimate: Float32Array, step: number, steps: number) => void | Promise<void>;
}

export interface WindowRunner<Text, Latents> {
  readonly config: ModelConfig;
  /** Tokenizer and text encoder, once per clip. */
  encodePrompt(prompt: string): Promise<PromptState<Text>>;
  releasePrompt(text: Text): void;
  /**
   * Clean latents (C, F, H, W) of one window. With `context` (the chunk contract), the last
   * `context.frames` latent frames of the previous window are this window's first frames, given
   * through the mask and kept as they are.
   */
  sampleWindow(text: Text, spec: WindowSpec, context: { latents: Latents; frames: number } | undefined, events: WindowRunEvents): Promise<Latents>;
  releaseLatents(latents: Latents): void;
}

export interface DecodedWindow {
  /** One opaque RGBA8 image per video frame, width·height·4 bytes. */
  frames: Uint8Array<ArrayBuffer>[];
  width: number;
  height: number;
}

export interface WindowDecoder<Latents> {
  /** The window's video frames, all of them (the clip drops those already shown). */
  decode(latents: Latents): Promise<DecodedWindow>;
}

export interface ClipBackend<Text, Latents> {
  readonly name: Backend;
  readonly runner: WindowRunner<Text, Latents>;
  readonly decoder: WindowDecoder<Latents>;
  /** The VAE encoder for given media, opened on first use; absent when the model has none. */
  readonly encoder?: FrameEncoder;
  /**
   * GPU bytes live at the most since the previous call (pool buffers plus the ORT tensors we
   * create), then starts a new count: called after every window to show memory stays flat.
   * Absent on backends that hold no GPU memory.
   */
  takePeakLiveBytes?(): number;
  /** The linear latent → colour map for denoising previews (latent_preview.ts); absent where there are none. */
  previewColourMap?(): Promise<LatentColourMap>;
}
