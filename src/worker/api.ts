// The Engine interface: everything the UI may ask of the engine. The worker exposes an
// implementation with comlink (worker.ts); the same class runs in-thread for tests (engine.ts).
//
// Every method may reject with an EngineError (errors.ts) whose message a person can act on.
// The engine waits for each callback to return before it goes on, so every event reaches the
// page before the job's result does, and a slow page slows the engine instead of events piling
// up. A VideoFrame handed to `onFrame` belongs to the callback, which must close() it (across
// the worker boundary it is transferred, not copied).
import type { GpuReport } from '../gpu/device.ts';
import type { CachedModel, StorageUse } from '../store/model_cache.ts';
// Several clips joined into one MP4 { mp4, frameCount, reencoded, width, height, fps }: `reencoded`
// is false when the samples were copied as they are (same codec configuration and size).
import type { StitchedClip } from '../video/stitch.ts';
import type { EngineErrorCode } from './errors.ts';

export type { CachedModel, StitchedClip, StorageUse };

export type GpuStatus =
  | { state: 'ready'; report: GpuReport }
  /** No WebGPU, no adapter, or no device: `message` says what to do. */
  | { state: 'unavailable'; code: EngineErrorCode; message: string }
  /** The device was lost; the next call that needs the GPU re-creates it. */
  | { state: 'lost'; reason: string; message: string };

export interface GpuCheck {
  /** Which kernel ran. */
  kernel: string;
  input: Float32Array;
  output: Float32Array;
  /** Largest |GPU − CPU reference| over the input. */
  maxAbsError: number;
  tolerance: number;
  passed: boolean;
}

// ── Models ──────────────────────────────────────────────────────────────────────────────────

export interface ModelFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ModelInfo {
  name: string;
  version: string;
  files: ModelFile[];
  totalBytes: number;
  /** The model's config (models/configs/<name>.json), embedded verbatim in its manifest. */
  config: Record<string, unknown>;
}

export interface LoadProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  loadedBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
  /** Why the load started over, when it did (the site's stored data was cleared under it); for the page to show. */
  notice?: string;
}

export interface PromptInspection {
  /** Words the loaded model's tokenizer does not know (each would be read as [UNK]), in order. */
  unknownWords: string[];
  /** Tokens the prompt takes, [EOS] included. */
  tokens: number;
  /** The most the text encoder reads ([EOS] included); words past it are cut. */
  maxTokens: number;
}

// ── Clips ───────────────────────────────────────────────────────────────────────────────────

export type AspectRatio = '1:1' | '16:9' | '9:16';

/**
 * Where the text encoder and DiT run: 'webgpu' on our WGSL kernels (VAE on ORT-web's WebGPU EP
 * on the same device), 'wasm' as the model's ONNX graphs on ORT-web's WASM EP (VAE too).
 */
export type Backend = 'webgpu' | 'wasm';

/** 'auto' picks WASM when there is no WebGPU or only a software adapter, else WebGPU. */
export type BackendChoice = 'auto' | Backend;

export interface BackendsReport {
  /** Backends that can make a clip here: 'wasm' always, 'webgpu' with any WebGPU adapter. */
  available: Backend[];
  /** What a request with backend 'auto' runs on. */
  auto: Backend;
  /** Why 'auto' picks it, in a sentence a person can read. */
  reason: string;
  /** Threads the WASM backend runs on (1 when the page is not cross-origin isolated). */
  wasmThreads: number;
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

/**
 * A picture or clip handed to the engine: a File/Blob, or the file's bytes. Plain data, so it
 * crosses the worker boundary (structured clone).
 */
export type MediaInput = Blob | Uint8Array;

export interface GenerateRequest {
  prompt: string;
  seed: number;
  durationSeconds: number;
  aspect: AspectRatio;
  /** Short side in pixels. */
  shortSide: number;
  steps?: number;
  style?: string;
  /** Default 'auto'. */
  backend?: BackendChoice;
  /**
   * Image-to-video: an image file (PNG, JPEG, WebP…) that becomes the clip's first frame, scaled
   * to cover the bucket and cropped around its centre. Not together with `extend`.
   */
  image?: MediaInput;
  /**
   * The clip's last frame, an image file like `image`. With `image`: in-betweening (the clip goes
   * from one picture to the other; needs at least two frames). Alone or with `extend`: the clip
   * ends on this picture.
   */
  endImage?: MediaInput;
  /**
   * Extension: an MP4 made earlier by this model at this aspect ratio (same size and frame rate).
   * The new frames continue its last frames; the returned MP4 is its frames followed by
   * `durationSeconds` of new ones (all encoded afresh into one file). Not together with `image`.
   */
  extend?: MediaInput;
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

/**
 * A synthetic clip that exercises the video path (frame source → preview → encoder → MP4)
 * without a model. Used by tests and the developer page; never presented as generation.
 */
export interface TestPatternRequest {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  /** Where frames are drawn: by a compute shader on the GPU, or in CPU memory. */
  source: 'gpu' | 'cpu';
  /** Codec families to try, in order (default: H.264, VP9, AV1). */
  codecs?: readonly CodecFamily[];
}

export type CodecFamily = 'avc' | 'vp9' | 'av1';

export interface StitchCallbacks {
  /** After each clip (copying) or each frame (re-encoding): fraction 0‥1 of the whole job. */
  onProgress?: (progress: { fraction: number }) => void;
}


export interface Engine {
  /** Opens the GPU if needed and describes it; resolves (never rejects) when there is none. */
  describeGpu(): Promise<GpuStatus>;
  /** Runs a small kernel on the GPU and checks it against the CPU reference. */
  checkGpu(): Promise<GpuCheck>;
  /** Called whenever the GPU device is lost (driver reset, GPU removed, tab in background too long). */
  onDeviceLost(listener: (status: GpuStatus) => void): Promise<void>;
  /** Destroys the device as a driver reset would, to exercise recovery from device loss. */
  loseDeviceForTesting(): Promise<void>;

  /**
   * Loads a model: from this browser's model store (IndexedDB) when it is cached there, with no
   * network; else downloads it (resuming a cut download), checks every file's size and sha256,
   * and stores it.
   */
  loadModel(manifestUrl: string, onProgress?: (progress: LoadProgress) => void): Promise<ModelInfo>;
  /** Models kept in this browser, with their sizes. */
  listModels(): Promise<CachedModel[]>;
  /** Removes a kept model and its bytes; false if there was none of that name. */
  deleteModel(name: string): Promise<boolean>;
  /** Storage this site uses and may use, and whether the browser keeps it under pressure. */
  storageUse(): Promise<StorageUse>;
  /** How the loaded model reads `prompt`: words its vocabulary lacks, and tokens used of those it takes. */
  inspectPrompt(prompt: string): Promise<PromptInspection>;
  /** Which backends can run here, which one 'auto' picks and why, and the WASM thread count. */
  describeBackends(): Promise<BackendsReport>;
  generate(request: GenerateRequest, callbacks?: ClipCallbacks): Promise<Clip>;
  renderTestPattern(request: TestPatternRequest, callbacks?: ClipCallbacks): Promise<Clip>;
  /**
   * Joins MP4 clips (at least two, in order) into one, in the worker: a job like generate (one at
   * a time; cancel stops it between clips, or between frames when re-encoding). A file that is not
   * a finished MP4 rejects with 'bad-request' naming which one.
   */
  stitch(clips: MediaInput[], callbacks?: StitchCallbacks): Promise<StitchedClip>;
  /** Stops the running job, if any; the job rejects with EngineError 'cancelled'. */
  cancel(): Promise<void>;
}
