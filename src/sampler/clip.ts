// A clip as the sampler makes it: what is asked for, what is reported on the way, and what comes
// back. The Engine's API (worker/api.ts) hands these to the page as they are; its GenerateRequest
// adds what the worker settles before the sampler runs (the backend, the given pictures and clip).
import type { AspectRatio } from '../model/config.ts';
import type { Backend } from './clip_backend.ts';

export interface ClipRequest {
  prompt: string;
  seed: number;
  durationSeconds: number;
  aspect: AspectRatio;
  steps?: number;
  /**
   * A storyboard: the clip in timed segments, each with its own prompt (`prompt` is the first
   * one's). Segment k starts at `at` seconds and runs until the next one starts; the last runs
   * to durationSeconds. Each window is conditioned on its segment's prompt, with the window
   * before it as context, and no window crosses from one segment into the next.
   */
  storyboard?: StoryboardSegment[];
}

export interface StoryboardSegment {
  /** Seconds from the clip's start. */
  at: number;
  prompt: string;
}

/** Milliseconds per phase of a clip; their sum is about Clip.elapsedMs. */
export interface ClipTimings {
  /** Building the backend's model runtime (first clip on a backend) and opening the GPU. */
  setup: number;
  /** Tokenizer and text encoder, once per clip. */
  text: number;
  /** Every window's sampler loop (DiT forwards and updates). */
  denoise: number;
  /** The VAE decoder, latents to RGBA frames. */
  decode: number;
  /** Frames into the video encoder and the MP4 muxer, the page's frame callbacks included. */
  encode: number;
  /**
   * Given media: reading the images, decoding the clip being extended and encoding its frames
   * into the new MP4, and the VAE encoder. 0 when nothing is given (absent on older clips).
   */
  given?: number;
}

export type Phase = 'loading' | 'text' | 'denoising' | 'decoding' | 'encoding' | 'done';

export interface JobProgress {
  phase: Phase;
  /** 0‥1 over the whole job. */
  fraction: number;
  framesDone: number;
  /** Frames the MP4 will have, an extended clip's earlier frames included. */
  framesTotal: number;
  /**
   * When extending: the first `earlierFrames` frames (onFrame indices 0‥earlierFrames−1) are the
   * earlier clip's own, decoded and encoded again, not generated. Absent otherwise.
   */
  earlierFrames?: number;
}

export interface ClipCallbacks {
  onProgress?: (progress: JobProgress) => void;
  /** Each frame as soon as it exists, in order; the callback must close() it. */
  onFrame?: (frame: VideoFrame, index: number) => void;
  /**
   * A cheap look at the window being denoised, after every step: its current estimate of the
   * newest frame, at latent resolution, in approximate colour (src/sampler/latent_preview.ts).
   * Asking for it costs a little time per step; only the WASM backend makes them (on WebGPU it
   * would need a read-back inside the sampler loop).
   */
  onPreview?: (preview: DenoisePreview) => void;
}

export interface DenoisePreview {
  /** Opaque RGBA8, width·height·4 bytes: the latent grid, 1/spatial_factor of the video's size. */
  rgba: Uint8Array;
  width: number;
  height: number;
  /** 1-based window and step. */
  window: number;
  windows: number;
  step: number;
  steps: number;
}

export interface Clip {
  mp4: Blob;
  /** The codec string the encoder was configured with, e.g. "avc1.42001f". */
  codec: string;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  elapsedMs: number;
  /** Prompt words the model's vocabulary lacks (each was read as [UNK]); absent for test patterns. */
  unknownWords?: string[];
  /** Which backend made the clip; absent for test patterns. */
  backend?: Backend;
  /** Time per phase; absent for test patterns. */
  timings?: ClipTimings;
  /** When extending: how many of frameCount are the earlier clip's frames, at the start. */
  earlierFrames?: number;
  /**
   * The most GPU bytes the clip held during each window (buffers of ours and the ORT tensors we
   * create): the same after window 3 as after the last, since memory does not grow with
   * duration. Absent on the WASM backend, which holds no GPU memory.
   */
  peakLiveBytesPerWindow?: number[];
}
