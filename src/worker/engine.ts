// The engine behind the Engine interface. It runs in the worker (worker.ts) and, for tests,
// in the page itself: nothing here touches the DOM.
import { throwIfCancelled } from '../errors/cancelled.ts';
import { openGpu, type GpuContext } from '../gpu/device.ts';
import { geluTanhKernel } from '../gpu/ops/activations.ts';
import { geluTanh } from '../gpu/reference/activations.ts';
import { runKernelOnce } from '../gpu/run_kernel.ts';
import { VaeDecoder } from '../model/vae.ts';
import { LazyVaeEncoder, wasmVaeEncoderSession, webgpuVaeEncoderSession, type VaeEncoderSession } from '../model/vae_encoder.ts';
import { wasmThreads } from '../model/ort_wasm.ts';
import { generateClip } from '../sampler/generate_clip.ts';
import { WasmModel, wasmBackend } from '../sampler/wasm_backend.ts';
import { webgpuBackend } from '../sampler/webgpu_backend.ts';
import { TextToVideoModel } from '../sampler/text_to_video_model.ts';
import { WordTokenizer } from '../model/tokenizer.ts';
import { ModelStore, type CachedModel, type StorageUse } from '../store/model_cache.ts';
import { demuxVideoTrack, Mp4FormatError } from '../video/demux.ts';
import { Mp4Writer } from '../video/encode.ts';
import { stitchClips, type StitchedClip } from '../video/stitch.ts';
import { addProvenance, readProvenance, type Provenance } from '../video/provenance.ts';
import { cpuTestPatternFrame, GpuTestPattern } from '../video/test_pattern_frames.ts';
import type {
  BackendsReport,
  Clip,
  EditRequest,
  ClipCallbacks,
  Engine,
  GenerateRequest,
  GpuCheck,
  GpuStatus,
  LoadProgress,
  MediaInput,
  ModelInfo,
  PromptInspection,
  StitchCallbacks,
  TestPatternRequest,
} from './api.ts';
import { chooseBackend, describeBackends } from './backend_choice.ts';
import { asEngineError, EngineError, isEngineError } from './errors.ts';
import { editClips } from './edit_job.ts';
import type { EditedClip } from '../video/edit.ts';
import { givenMedia, mediaBytes } from './given_media.ts';
import { JobSlot } from './jobs.ts';
import { stitchedProvenance, withProvenance, withWanProvenance } from './provenance_clip.ts';
import { handingFrames } from './transfer.ts';
import { ANY_MODEL, requestLimits } from './request_check.mjs';
import { validateGenerate, validateStitch, validateTestPattern } from './validate.ts';
import { loadWan, planWanDownload, type WanDownloadPlan, type WanLoaded, type WanLoadRequest } from './wan_job.ts';
import { validateWanClip } from './wan_request.ts';
import { generateWanClip, type WanClipRequest, type WanRuntime } from '../sampler/wan_clip.ts';

interface LoadedModel {
  info: ModelInfo;
  files: Map<string, Uint8Array<ArrayBuffer>>;
}

/**
 * The WebGPU backend's runtime: our WGSL model and the VAE's ORT sessions on the same device
 * (the encoder's opened only when a clip gives media; null when the model has none).
 */
interface ClipRuntime {
  loaded: LoadedModel;
  model: TextToVideoModel;
  vae: VaeDecoder;
  encoder: LazyVaeEncoder | null;
}

/** The WASM backend's runtime: the model's ONNX graphs in ORT-web WASM EP sessions. */
interface WasmRuntime {
  loaded: LoadedModel;
  model: WasmModel;
  encoder: LazyVaeEncoder | null;
}

/** The model's VAE encoder, opened by `open` on first use; null when the model has no encoder graph. */
function lazyEncoder(loaded: LoadedModel, open: (graph: Uint8Array, weights: Uint8Array) => Promise<VaeEncoderSession>): LazyVaeEncoder | null {
  const graph = loaded.files.get('vae_encoder.onnx');
  const weights = loaded.files.get('vae.safetensors');
  if (!graph || !weights) return null;
  return new LazyVaeEncoder(() => open(graph, weights).catch((error: unknown) => {
    throw asEngineError(error, 'model-invalid', `${loaded.info.name}'s VAE encoder (vae_encoder.onnx) could not be set up, so it cannot start from an image or a clip.`);
  }));
}

export class ZoetropeEngine implements Engine {
  private gpu: Promise<GpuContext> | null = null;
  private readonly lostListeners = new Set<(status: GpuStatus) => void>();
  private readonly jobs = new JobSlot();
  private model: LoadedModel | null = null;
  private runtime: ClipRuntime | null = null;
  private wasmRuntime: WasmRuntime | null = null;
  private store: Promise<ModelStore> | null = null;
  private wan: { runtime: WanRuntime; loaded: WanLoaded } | null = null;

  // ── GPU ───────────────────────────────────────────────────────────────────────────────────

  /** The open device, creating it on first use and again after a loss. */
  private gpuContext(): Promise<GpuContext> {
    if (!this.gpu) {
      const opening = openGpu();
      this.gpu = opening;
      opening.then(
        (context) => this.watchForLoss(context, opening),
        () => {
          if (this.gpu === opening) this.gpu = null; // let a later call try again
        },
      );
    }
    return this.gpu;
  }

  private watchForLoss(context: GpuContext, opening: Promise<GpuContext>): void {
    void context.device.lost.then((info) => {
      if (this.gpu === opening) this.gpu = null;
      const status: GpuStatus = {
        state: 'lost',
        reason: info.reason ?? 'unknown',
        message:
          `The GPU device was lost${info.message ? ` (${info.message})` : ''}. Zoetrope sets it up again ` +
          'on the next run. If this keeps happening, close other GPU-heavy tabs or update the graphics driver.',
      };
      for (const listener of this.lostListeners) listener(status);
    });
  }

  async describeGpu(): Promise<GpuStatus> {
    try {
      return { state: 'ready', report: (await this.gpuContext()).report };
    } catch (error) {
      if (isEngineError(error)) return { state: 'unavailable', code: error.code, message: error.message };
      throw error;
    }
  }

  async onDeviceLost(listener: (status: GpuStatus) => void): Promise<void> {
    this.lostListeners.add(listener);
  }

  async loseDeviceForTesting(): Promise<void> {
    (await this.gpuContext()).device.destroy();
  }

  async checkGpu(): Promise<GpuCheck> {
    const { device } = await this.gpuContext();
    // An awkward length (not a multiple of the workgroup size) over the range where tanh saturates.
    const length = 1000;
    const input = Float32Array.from({ length }, (_, i) => -8 + (16 * i) / (length - 1));
    const { y } = await runKernelOnce(device, geluTanhKernel, { length, precision: 'f32' }, { x: input, y: { bytes: input.byteLength } });
    const output = new Float32Array(y);
    const reference = geluTanh(input);
    let maxAbsError = 0;
    for (let i = 0; i < length; i++) maxAbsError = Math.max(maxAbsError, Math.abs(output[i]! - reference[i]!));
    // f32 GELU over |x| ≤ 8: a few ulps of the output, with room for the platform's tanh.
    const tolerance = 1e-5;
    return { kernel: geluTanhKernel.name, input, output, maxAbsError, tolerance, passed: maxAbsError <= tolerance };
  }

  // ── Models and clips ──────────────────────────────────────────────────────────────────────

  /** The IndexedDB model store, opened on first use (and again if opening failed). */
  private modelStore(): Promise<ModelStore> {
    this.store ??= ModelStore.open().catch((error: unknown) => {
      this.store = null;
      throw error;
    });
    return this.store;
  }

  async loadModel(manifestUrl: string, onProgress?: (progress: LoadProgress) => void): Promise<ModelInfo> {
    return this.jobs.run(async (signal) => {
      const loaded = await (await this.modelStore()).load(manifestUrl, onProgress, signal);
      this.model = loaded;
      return loaded.info;
    });
  }

  async listModels(): Promise<CachedModel[]> {
    return (await this.modelStore()).list();
  }

  async deleteModel(name: string): Promise<boolean> {
    if (this.jobs.running) {
      throw new EngineError('busy', 'Zoetrope is working with a model right now. Wait for it or cancel it first.');
    }
    if (this.model?.info.name === name) {
      this.model = null;
      this.runtime?.model.destroy();
      await this.runtime?.vae.release();
      await this.runtime?.encoder?.release();
      this.runtime = null;
      await this.dropWasmRuntime();
    }
    return (await this.modelStore()).delete(name);
  }

  async storageUse(): Promise<StorageUse> {
    return (await this.modelStore()).usage();
  }

  // Read from the model's own tokenizer.json, without the GPU, so the page can check a prompt
  // as it is typed, before the first clip builds the GPU runtime.
  private readonly tokenizers = new WeakMap<LoadedModel, WordTokenizer>();

  async inspectPrompt(prompt: string): Promise<PromptInspection> {
    const loaded = this.model;
    if (!loaded) throw new EngineError('model-not-loaded', 'No model is loaded yet. Wait for the model to finish loading.');
    let tokenizer = this.tokenizers.get(loaded);
    if (!tokenizer) {
      const json = loaded.files.get('tokenizer.json');
      if (!json) throw new EngineError('model-unsupported', `${loaded.info.name} has no tokenizer.json.`);
      tokenizer = WordTokenizer.fromJson(JSON.parse(new TextDecoder().decode(json)));
      this.tokenizers.set(loaded, tokenizer);
    }
    const maxTokens = (loaded.info.config as { text_encoder?: { text_len?: number } }).text_encoder?.text_len ?? 0;
    const words = tokenizer.words(String(prompt));
    return { unknownWords: tokenizer.encode(String(prompt), Math.max(1, maxTokens)).unknown, tokens: words.length + 1, maxTokens };
  }

  async generate(given: GenerateRequest, callbacks: ClipCallbacks = {}): Promise<Clip> {
    const loaded = this.model;
    // Checked against what the loaded model makes (before one is loaded, what any model could);
    // from here on the request's prompt is the normalised one the filter passed.
    const request = validateGenerate(given, loaded ? requestLimits(loaded.info.config) : ANY_MODEL);
    if (!loaded) {
      throw new EngineError('model-not-loaded', 'No model is loaded yet. Wait for the model to finish loading.');
    }
    const toPage = handingFrames(callbacks);
    const clip = await this.jobs.run(async (signal) => {
      const started = performance.now();
      // A forced 'wasm' never touches the GPU: the WASM backend needs no GPU device at all.
      const backend = request.backend === 'wasm' ? 'wasm' : chooseBackend(request.backend, await this.describeGpu(), wasmThreads());
      if (backend === 'wasm') return this.generateOnWasm(loaded, request, toPage, signal, started);
      const { device } = await this.gpuContext();
      const runtime = await this.runtimeFor(loaded, device);
      try {
        const backend = { ...webgpuBackend(runtime.model, runtime.vae), ...(runtime.encoder && { encoder: runtime.encoder }) };
        return await generateClip(backend, request, givenMedia(request), toPage, signal, started);
      } catch (error) {
        // Cancelled or failed: give the window's activations back to the GPU, not just to the pool.
        runtime.model.pool.trim();
        throw error;
      }
    });
    // Every clip says it is AI-generated, by which model, with which seed, prompt and settings.
    return withProvenance(clip, request, loaded.info);
  }

  async describeBackends(): Promise<BackendsReport> {
    return describeBackends(await this.describeGpu(), wasmThreads());
  }

  private async generateOnWasm(loaded: LoadedModel, request: GenerateRequest, callbacks: ClipCallbacks, signal: AbortSignal, started: number): Promise<Clip> {
    const runtime = await this.wasmRuntimeFor(loaded);
    try {
      const backend = { ...wasmBackend(runtime.model), ...(runtime.encoder && { encoder: runtime.encoder }) };
      return await generateClip(backend, request, givenMedia(request), callbacks, signal, started);
    } catch (error) {
      // A cancel lands between ORT runs, so the sessions are intact; after a failure inside ORT
      // they may not be: build them again on the next run. A bad given file fails before any.
      if (!signal.aborted && !isEngineError(error, 'bad-request')) await this.dropWasmRuntime();
      throw error;
    }
  }

  /** The model's WASM runtime (ORT sessions for text encoder, DiT and VAE decoder), built once per model. */
  private async wasmRuntimeFor(loaded: LoadedModel): Promise<WasmRuntime> {
    if (this.wasmRuntime?.loaded === loaded) return this.wasmRuntime;
    await this.dropWasmRuntime();
    for (const path of ['tokenizer.json', 'text_encoder.onnx', 'dit.onnx', 'vae_decoder.onnx', 'vae.safetensors']) {
      if (!loaded.files.has(path)) {
        throw new EngineError('model-unsupported', `${loaded.info.name} has no ${path}, which the CPU (WASM) backend needs to make video.`);
      }
    }
    try {
      const encoder = lazyEncoder(loaded, (graph, weights) => wasmVaeEncoderSession(graph, 'vae.safetensors', weights));
      this.wasmRuntime = { loaded, model: await WasmModel.fromFiles(loaded.info.config, loaded.files), encoder };
    } catch (error) {
      throw asEngineError(error, 'model-invalid', `${loaded.info.name} could not be set up on the CPU (WASM) backend: its ONNX graphs did not load.`);
    }
    return this.wasmRuntime;
  }

  private async dropWasmRuntime(): Promise<void> {
    const current = this.wasmRuntime;
    this.wasmRuntime = null;
    await current?.model.release().catch(() => undefined); // a session that failed may not release cleanly
    await current?.encoder?.release().catch(() => undefined);
  }

  /** The model's GPU runtime (tokenizer, text encoder, DiT, VAE session), built once per model and device. */
  private async runtimeFor(loaded: LoadedModel, device: GPUDevice): Promise<ClipRuntime> {
    const current = this.runtime;
    if (current && current.loaded === loaded && current.model.device === device) return current;
    if (current) {
      this.runtime = null;
      current.model.destroy();
      await current.vae.release();
      await current.encoder?.release();
    }
    const file = (path: string) => {
      const bytes = loaded.files.get(path);
      if (!bytes) throw new EngineError('model-unsupported', `${loaded.info.name} has no ${path}, which this build needs to make video.`);
      return bytes;
    };
    let model: TextToVideoModel;
    try {
      // f16 storage where the adapter has shader-f16 (half the weight and activation traffic; a
      // window stays within 3.5e-4 of f32, tests/gpu-node/generate_window.test.ts), f32 elsewhere.
      const dtype = device.features.has('shader-f16') ? 'f16' : 'f32';
      model = TextToVideoModel.fromFiles(device, loaded.info.config, loaded.files, dtype);
    } catch (error) {
      throw asEngineError(error, 'model-invalid', `${loaded.info.name} could not be set up: its files do not fit together.`);
    }
    let vae: VaeDecoder;
    try {
      vae = await VaeDecoder.create(device, file('vae_decoder.onnx'), 'vae.safetensors', file('vae.safetensors'));
    } catch (error) {
      model.destroy();
      throw error;
    }
    const encoder = lazyEncoder(loaded, (graph, weights) => webgpuVaeEncoderSession(device, graph, 'vae.safetensors', weights));
    this.runtime = { loaded, model, vae, encoder };
    return this.runtime;
  }

  async renderTestPattern(request: TestPatternRequest, callbacks: ClipCallbacks = {}): Promise<Clip> {
    validateTestPattern(request);
    const toPage = handingFrames(callbacks);
    return this.jobs.run(async (signal) => {
      const started = performance.now();
      const { width, height, fps, frameCount } = request;
      const writer = await Mp4Writer.open({ width, height, fps, codecs: request.codecs });
      const pattern = request.source === 'gpu' ? new GpuTestPattern((await this.gpuContext()).device, width, height) : null;
      try {
        for (let i = 0; i < frameCount; i++) {
          throwIfCancelled(signal);
          const timestamp = writer.timestampOf(i);
          const frame = pattern
            ? await pattern.frame(i, timestamp, writer.frameDuration)
            : cpuTestPatternFrame(i, width, height, timestamp, writer.frameDuration);
          try {
            await writer.addFrame(frame);
          } catch (error) {
            frame.close();
            throw error;
          }
          if (toPage.onFrame) await toPage.onFrame(frame, i);
          else frame.close();
          await toPage.onProgress?.({ phase: 'encoding', fraction: (i + 1) / frameCount, framesDone: i + 1, framesTotal: frameCount });
        }
        throwIfCancelled(signal);
        const mp4 = await writer.finish();
        await toPage.onProgress?.({ phase: 'done', fraction: 1, framesDone: frameCount, framesTotal: frameCount });
        return { mp4, codec: writer.codec, width, height, fps, frameCount, elapsedMs: performance.now() - started };
      } finally {
        writer.abort();
        pattern?.destroy();
      }
    });
  }

  async stitch(clips: MediaInput[], callbacks: StitchCallbacks = {}): Promise<StitchedClip> {
    validateStitch(clips);
    return this.jobs.run(async (signal) => {
      const files: Uint8Array<ArrayBuffer>[] = [];
      for (const [i, clip] of clips.entries()) {
        throwIfCancelled(signal);
        const bytes = await mediaBytes(clip);
        try {
          demuxVideoTrack(bytes); // to say which clip is unreadable; cheap (the sample tables only)
        } catch (error) {
          if (error instanceof Mp4FormatError) throw new EngineError('bad-request', `Clip ${i + 1} could not be read: ${error.message}. Stitch MP4s made by Zoetrope.`);
          throw error;
        }
        files.push(bytes);
      }
      // stitchClips reports without waiting; the events are chained and awaited before the
      // result, so every event reaches the page first. A cancel stops it at the next report.
      let reported = Promise.resolve();
      const stitched = await stitchClips(files, (fraction) => {
        throwIfCancelled(signal);
        reported = reported.then(() => callbacks.onProgress?.({ fraction }));
      });
      await reported;
      // The joined file says it is AI-generated and what it is made of.
      const record = stitchedProvenance(files.map(recordOf), stitched);
      if (!record) return stitched;
      const mp4 = addProvenance(new Uint8Array(await stitched.mp4.arrayBuffer()), record);
      return { ...stitched, mp4: new Blob([mp4], { type: 'video/mp4' }) };
    });
  }

  async edit(request: EditRequest, callbacks: StitchCallbacks = {}): Promise<EditedClip> {
    return this.jobs.run(async (signal) => {
      // As in stitch: progress chained and awaited, so it reaches the page before the result.
      let reported = Promise.resolve();
      const edited = await editClips(request, signal, (fraction) => {
        reported = reported.then(() => callbacks.onProgress?.({ fraction }));
      });
      await reported;
      return edited;
    });
  }

  // ── Wan 2.1 (wan_job.ts) ───────────────────────────────────────────────────────────────────

  async planWanDownload(request: WanLoadRequest): Promise<WanDownloadPlan> {
    return planWanDownload(await this.modelStore(), request);
  }

  async loadWan(request: WanLoadRequest, onProgress?: (progress: LoadProgress) => void): Promise<WanLoaded> {
    return this.jobs.run(async (signal) => {
      const gpu = await this.gpuContext();
      this.wan?.runtime.destroy();
      this.wan = null;
      this.wan = await loadWan(() => this.modelStore(), gpu, request, onProgress, signal);
      return this.wan.loaded;
    });
  }

  async generateWan(given: WanClipRequest, callbacks: ClipCallbacks = {}): Promise<Clip> {
    const request = validateWanClip(given);
    const wan = this.wan;
    if (!wan) throw new EngineError('model-not-loaded', 'No Wan model is loaded yet. Load Wan 2.1 or Self-Forcing first.');
    if (wan.loaded.sampler !== request.sampler) {
      throw new EngineError('bad-request', `The loaded Wan model is ${wan.loaded.sampler}, not ${request.sampler}: load that one first.`);
    }
    const toPage = handingFrames(callbacks);
    const clip = await this.jobs.run(async (signal) => {
      if ((await this.gpuContext()).device !== wan.runtime.device) {
        throw new EngineError('device-lost', 'The GPU was reset since Wan was loaded. Load it again (its files are kept, so nothing is downloaded).');
      }
      return generateWanClip(wan.runtime, request, toPage, signal, performance.now());
    });
    return withWanProvenance(clip, request, wan.loaded);
  }

  async cancel(): Promise<void> {
    this.jobs.cancel();
  }
}

/** A clip's provenance record, or null when it has none or an unreadable one. */
function recordOf(mp4: Uint8Array): Provenance | null {
  try {
    return readProvenance(mp4);
  } catch {
    return null;
  }
}
