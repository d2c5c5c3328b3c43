// The Engine interface: everything the UI may ask of the engine. The worker exposes an
// implementation with comlink (worker.ts); the same class runs in-thread for tests (engine.ts).
//
// Every method may reject with an EngineError (errors.ts) whose message a person can act on.
// The engine waits for each callback to return before it goes on, so every event reaches the
// page before the job's result does, and a slow page slows the engine instead of events piling
// up. A VideoFrame handed to `onFrame` belongs to the callback, which must close() it (across
// the worker boundary it is transferred, not copied).
//
// The types the floors below share with the page are defined where their owner is (a clip and
// its progress by the sampler, a model's manifest by the store, a codec family by the video
// path) and re-exported here, so the page reads the whole API from this one file.
import type { GpuReport } from '../gpu/device.ts';
import type { AspectRatio } from '../model/config.ts';
import type { Clip, ClipCallbacks, ClipRequest, ClipTimings, DenoisePreview, JobProgress, Phase } from '../sampler/clip.ts';
import type { Backend } from '../sampler/clip_backend.ts';
import type { ModelFile, ModelInfo } from '../store/manifest.ts';
import type { CachedModel, LoadProgress, StorageUse } from '../store/model_cache.ts';
import type { CodecFamily } from '../video/codec.ts';
// Several clips joined into one MP4 { mp4, frameCount, reencoded, width, height, fps }: `reencoded`
// is false when the samples were copied as they are (same codec configuration and size).
import type { StitchedClip } from '../video/stitch.ts';
import type { EngineErrorCode } from './errors.ts';
// An edit (trims, cuts and crossfades, titles) of clips into one new MP4: edit_job.ts.
import type { EditedClip } from '../video/edit.ts';
import type { Title } from '../video/titles.ts';
// Wan 2.1 1.3B, fetched on request (issue 13): where its files come from, what a download would
// fetch, and a clip request in Wan's terms (pixels and 4k + 1 frames at 16 fps).
import type { WanDownloadPlan, WanLoaded, WanLoadRequest, WanPartPlan, WanSource } from './wan_job.ts';
import type { WanClipRequest } from '../sampler/wan_clip.ts';
import type { WanSampler } from '../model/wan_fit.ts';

export type { AspectRatio, Backend, CachedModel, Clip, ClipCallbacks, ClipTimings, CodecFamily, DenoisePreview, JobProgress };
export type { LoadProgress, ModelFile, ModelInfo, Phase, StitchedClip, StorageUse };
export type { EditedClip, Title };
export type { WanClipRequest, WanDownloadPlan, WanLoaded, WanLoadRequest, WanPartPlan, WanSampler, WanSource };

export type Transition = { kind: 'cut' } | { kind: 'crossfade'; seconds: number };

export interface EditRequest {
  /** One clip or more, in order. */
  clips: MediaInput[];
  /** Seconds of each clip kept, [start, end); absent: all of every clip. */
  trims?: { start: number; end: number }[];
  /** Between clip i and clip i + 1; absent: cuts. */
  transitions?: Transition[];
  /** Drawn over the edited clip, on its own timeline. */
  titles?: Title[];
}

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

export interface PromptInspection {
  /** Words the loaded model's tokenizer does not know (each would be read as [UNK]), in order. */
  unknownWords: string[];
  /** Tokens the prompt takes, [EOS] included. */
  tokens: number;
  /** The most the text encoder reads ([EOS] included); words past it are cut. */
  maxTokens: number;
}

// ── Clips ───────────────────────────────────────────────────────────────────────────────────

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

/**
 * A picture or clip handed to the engine: a File/Blob, or the file's bytes. Plain data, so it
 * crosses the worker boundary (structured clone).
 */
export type MediaInput = Blob | Uint8Array;

export interface GenerateRequest extends ClipRequest {
  /** Short side in pixels. */
  shortSide: number;
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
  /**
   * Edits clips into one new MP4, in the worker, as a job: each trimmed, joined by cuts or
   * crossfades, titles drawn into the frames (decoded and encoded afresh). Bad trims,
   * transitions or titles reject with 'bad-request' naming every problem.
   */
  edit(request: EditRequest, callbacks?: StitchCallbacks): Promise<EditedClip>;
  /**
   * What loading a Wan model from a hub would download (each part's size and how much of it this
   * browser keeps already), from the hub's listings: nothing is downloaded. For the person to
   * confirm the size first.
   */
  planWanDownload(request: WanLoadRequest): Promise<WanDownloadPlan>;
  /**
   * Loads Wan 2.1 1.3B for one sampler, as a job (cancel stops it; a cut download resumes next
   * time): from a hub through the model store, or from picked files. Every file is checked before
   * use; a malformed one is refused ('model-invalid') and not kept. Weights reach the GPU when the
   * first clip needs them.
   */
  loadWan(request: WanLoadRequest, onProgress?: (progress: LoadProgress) => void): Promise<WanLoaded>;
  /** A clip from the loaded Wan model; its sampler must be the one loaded. */
  generateWan(request: WanClipRequest, callbacks?: ClipCallbacks): Promise<Clip>;
  /** Stops the running job, if any; the job rejects with EngineError 'cancelled'. */
  cancel(): Promise<void>;
}
