// A Wan 2.1 clip, prompt to MP4: umT5 → the DiT under the chosen sampler → TAEHV → the encoder.
//
// The phases run one after another and GPU memory follows wan_fit.ts's plan: the text encoder is
// loaded only while a new prompt is encoded and released before the DiT is uploaded (a prompt's
// context, 512 × 4096 f32 = 8 MB, is kept on the CPU, so a new seed for the same prompt skips the
// text phase); the DiT and TAEHV stay resident between clips.
//
// Self-Forcing streams: each clean chunk is decoded by TAEHV and its frames encoded while the next
// chunk has not started. The base sampler denoises the whole clip, then decodes it in the same
// chunks (TAEHV is causal, so chunked decoding equals decoding at once).
import { throwIfCancelled } from '../errors/cancelled.ts';
import { EngineError } from '../errors/engine_error.ts';
import { readTensorBytes, uploadF32Tensor } from '../gpu/buffers.ts';
import { fromF16Array } from '../gpu/f16.ts';
import { BufferPool } from '../gpu/pool.ts';
import type { DType, Tensor } from '../gpu/tensor.ts';
import type { Dit, DitText } from '../model/dit.ts';
import type { GpuWeights } from '../model/gpu_weights.ts';
import { ForwardRecorder, UniformCache } from '../model/recorder.ts';
import { TAEHV_FRAMES_TO_TRIM, type TaehvDecoder } from '../model/taehv.ts';
import type { Umt5Encoder } from '../model/umt5.ts';
import type { Umt5Tokenizer } from '../model/umt5_tokenizer.ts';
import { latentFramesOf, WAN_FPS, type WanSampler } from '../model/wan_fit.ts';
import { framesToRgba } from '../model/vae.ts';
import { Mp4Writer } from '../video/encode.ts';
import type { Clip, ClipCallbacks, ClipTimings, Phase } from './clip.ts';
import { emitFrame, timed } from './generate_clip.ts';
import { sampleFlowMatchingGpu, WAN_BASE_GUIDANCE, WAN_BASE_STEPS } from './wan_flow_matching.ts';
import { SELF_FORCING_CHUNK_FRAMES, SELF_FORCING_STEPS } from './wan_samplers.ts';
import { decodeChunkWithTaehv, sampleSelfForcingGpu } from './wan_self_forcing.ts';

export interface WanClipRequest {
  sampler: WanSampler;
  prompt: string;
  seed: number;
  /** Pixels, multiples of 16. */
  width: number;
  height: number;
  /** Frames of the clip: 4k + 1 (Wan's 81 frames = 5 s at 16 fps). */
  frames: number;
  /** Denoising steps: 50 for the base model, 4 for Self-Forcing, unless given. */
  steps?: number;
  /** The base model's classifier-free guidance (5 upstream); Self-Forcing has none. */
  guidance?: number;
}

/** How the runtime gets each part's weights onto the GPU (the worker reads them from the store). */
export interface WanLoaders {
  device: GPUDevice;
  /** Activations' and the DiT's storage type: f16 where the adapter has shader-f16, else f32. */
  dtype: DType;
  tokenizer: Umt5Tokenizer;
  textLen: number;
  loadText(): Promise<Umt5Encoder>;
  loadDit(): Promise<{ dit: Dit; weights: GpuWeights }>;
  loadDecoder(): Promise<TaehvDecoder>;
}

/** One Wan model on one device: the DiT and decoder resident, prompts' contexts remembered. */
export class WanRuntime {
  private dit: { dit: Dit; weights: GpuWeights } | null = null;
  private decoder: TaehvDecoder | null = null;
  private readonly contextsByPrompt = new Map<string, Float32Array<ArrayBuffer>>();
  private readonly pool: BufferPool;
  private readonly uniforms: UniformCache;

  constructor(private readonly loaders: WanLoaders) {
    this.pool = new BufferPool(loaders.device, 'wan activations');
    this.uniforms = new UniformCache(loaders.device);
  }

  get device(): GPUDevice {
    return this.loaders.device;
  }

  /**
   * Each prompt's umT5 context (textLen, 4096) f32: the prompt's rows, then zeros, as Wan pads it.
   * Prompts not seen before are encoded together, with the encoder loaded once.
   */
  async contexts(prompts: readonly string[]): Promise<Float32Array<ArrayBuffer>[]> {
    const missing = [...new Set(prompts.filter((p) => !this.contextsByPrompt.has(p)))];
    if (missing.length > 0) {
      // The text phase runs alone: the DiT gives its memory back first (wan_fit.ts's plan).
      this.releaseDit();
      const encoder = await this.loaders.loadText();
      try {
        for (const prompt of missing) this.contextsByPrompt.set(prompt, await this.encode(encoder, prompt));
      } finally {
        encoder.destroy();
        this.pool.trim();
      }
    }
    return prompts.map((p) => this.contextsByPrompt.get(p)!);
  }

  private async encode(encoder: Umt5Encoder, prompt: string): Promise<Float32Array<ArrayBuffer>> {
    const { tokenizer, textLen, device } = this.loaders;
    const { ids, length } = tokenizer.encode(prompt, textLen);
    const dim = encoder.encoder.config.dim;
    const embedded = await encoder.embed(ids.subarray(0, length));
    const r = new ForwardRecorder(device, this.pool, this.uniforms);
    const out = encoder.encode(r, embedded, length);
    r.submit();
    const rows = await readValues(device, out);
    this.pool.release(out);
    const context = new Float32Array(textLen * dim);
    context.set(rows.subarray(0, length * dim));
    return context;
  }

  async ditModel(): Promise<Dit> {
    this.dit ??= await this.loaders.loadDit();
    return this.dit.dit;
  }

  async taehv(): Promise<TaehvDecoder> {
    this.decoder ??= await this.loaders.loadDecoder();
    return this.decoder;
  }

  /** The DiT's per-block text keys and values for a context; free with releaseText. */
  prepareText(dit: Dit, context: Float32Array): DitText {
    const tensor = uploadF32Tensor(this.device, context, [context.length / dit.config.text_dim, dit.config.text_dim], 'wan context');
    const r = new ForwardRecorder(this.device, this.pool, this.uniforms);
    const text = dit.prepareText(r, tensor);
    r.submit();
    void this.device.queue.onSubmittedWorkDone().then(() => tensor.buffer.destroy());
    return text;
  }

  releaseText(text: DitText): void {
    for (const t of [...text.keys, ...text.values]) this.pool.release(t);
  }

  get sampling(): { device: GPUDevice; pool: BufferPool; uniforms: UniformCache } {
    return { device: this.device, pool: this.pool, uniforms: this.uniforms };
  }

  releaseDit(): void {
    this.dit?.dit.destroy();
    this.dit?.weights.destroy();
    this.dit = null;
  }

  destroy(): void {
    this.releaseDit();
    this.decoder?.destroy();
    this.decoder = null;
    this.pool.destroy();
  }
}

/** A tensor's values as f32, whatever its storage type. */
async function readValues(device: GPUDevice, tensor: Tensor): Promise<Float32Array> {
  const bytes = await readTensorBytes(device, tensor.buffer, tensor.offset, tensor.byteSize);
  return tensor.dtype === 'f16' ? fromF16Array(new Uint16Array(bytes)) : new Float32Array(bytes);
}

/** Makes one clip with `runtime`; `started` is when the job began (performance.now()). */
export async function generateWanClip(runtime: WanRuntime, request: WanClipRequest, callbacks: ClipCallbacks, signal: AbortSignal, started: number): Promise<Clip> {
  const { width, height, frames } = request;
  const latentFrames = latentFramesOf(frames);
  const [latentHeight, latentWidth] = [height / 8, width / 8];
  const selfForcing = request.sampler === 'self-forcing-4';
  const steps = request.steps ?? (selfForcing ? SELF_FORCING_STEPS : WAN_BASE_STEPS);
  const timings: ClipTimings = { setup: 0, text: 0, denoise: 0, decode: 0, encode: 0 };
  let framesDone = 0;
  const report = async (phase: Phase, fraction: number) => {
    await callbacks.onProgress?.({ phase, fraction: Math.min(1, fraction), framesDone, framesTotal: frames });
  };
  const time = <T>(phase: keyof ClipTimings, work: () => Promise<T>) => timed(timings, phase, work);

  await report('text', 0);
  // The base sampler's guidance needs the empty prompt's context too.
  const [context, empty = null] = await time('text', () => runtime.contexts(selfForcing ? [request.prompt] : [request.prompt, '']));
  throwIfCancelled(signal);
  await report('loading', 0.1);
  const [dit, taehv] = await time('setup', async () => [await runtime.ditModel(), await runtime.taehv()] as const);
  taehv.reset();
  const writer = await Mp4Writer.open({ width, height, fps: WAN_FPS });
  const prompt = runtime.prepareText(dit, context!);
  const unconditional = empty ? runtime.prepareText(dit, empty) : null;
  const { device, pool } = runtime.sampling;
  const gpu = { ...runtime.sampling, dit };

  // Decodes one clean chunk of latents (C, F, h, w) and encodes its frames.
  const decodeAndEncode = async (latents: Tensor, firstChunk: boolean) => {
    const rgb = await time('decode', async () => {
      const r = new ForwardRecorder(device, pool, runtime.sampling.uniforms);
      const out = decodeChunkWithTaehv(r, taehv, latents);
      r.submit();
      const values = await readValues(device, out);
      pool.release(out);
      return values;
    });
    const made = rgb.length / (3 * height * width);
    const skip = firstChunk ? TAEHV_FRAMES_TO_TRIM : 0;
    await time('encode', async () => {
      // TAEHV's frames are in [0, 1].
      for (const rgba of framesToRgba(rgb.subarray(skip * 3 * height * width), made - skip, height, width, 0)) {
        throwIfCancelled(signal);
        await emitFrame(writer, rgba, framesDone, callbacks);
        framesDone++;
      }
    });
  };

  try {
    await report('denoising', 0.15);
    const request_ = { seed: request.seed, latentFrames, height: latentHeight, width: latentWidth, steps };
    if (selfForcing) {
      const chunks = Math.ceil(latentFrames / SELF_FORCING_CHUNK_FRAMES);
      let chunk = 0;
      await time('denoise', () => sampleSelfForcingGpu(gpu, prompt, request_, async (latents, startFrame) => {
        await decodeAndEncode(latents, startFrame === 0);
        chunk++;
        await report('denoising', 0.15 + (0.8 * chunk) / chunks);
      }, signal));
      // Decoding and encoding ran inside the sampler's loop: count them once.
      timings.denoise -= timings.decode + timings.encode;
    } else {
      const latents = await time('denoise', () => sampleFlowMatchingGpu(gpu, prompt, unconditional!, { ...request_, guidance: request.guidance ?? WAN_BASE_GUIDANCE },
        (step, total) => report('denoising', 0.15 + (0.7 * step) / total), signal));
      try {
        await report('decoding', 0.85);
        await decodeInChunks(device, pool, latents, latentFrames, decodeAndEncode);
      } finally {
        pool.release(latents);
      }
    }
    throwIfCancelled(signal);
    await report('encoding', 0.97);
    const mp4 = await time('encode', () => writer.finish());
    if (framesDone !== frames) throw new EngineError('internal', `the Wan clip has ${framesDone} frames, not the ${frames} asked for`);
    await report('done', 1);
    return { mp4, codec: writer.codec, width, height, fps: WAN_FPS, frameCount: frames, elapsedMs: performance.now() - started, backend: 'webgpu', timings };
  } finally {
    writer.abort();
    runtime.releaseText(prompt);
    if (unconditional) runtime.releaseText(unconditional);
    pool.trim();
  }
}

/** The whole clip's latents (C, F, h, w) decoded chunk by chunk, each copied out of the clip tensor. */
async function decodeInChunks(
  device: GPUDevice,
  pool: BufferPool,
  latents: Tensor,
  latentFrames: number,
  decode: (chunk: Tensor, firstChunk: boolean) => Promise<void>,
): Promise<void> {
  const [channels, , h, w] = latents.shape as [number, number, number, number];
  const plane = h * w * 4;
  for (let start = 0; start < latentFrames; start += SELF_FORCING_CHUNK_FRAMES) {
    const count = Math.min(SELF_FORCING_CHUNK_FRAMES, latentFrames - start);
    const chunk = pool.acquireTensor([channels, count, h, w], 'f32');
    const encoder = device.createCommandEncoder({ label: 'wan latent chunk' });
    for (let c = 0; c < channels; c++) {
      encoder.copyBufferToBuffer(latents.buffer, latents.offset + (c * latentFrames + start) * plane, chunk.buffer, chunk.offset + c * count * plane, count * plane);
    }
    device.queue.submit([encoder.finish()]);
    try {
      await decode(chunk, start === 0);
    } finally {
      pool.release(chunk);
    }
  }
}
