// Self-Forcing's causal sampler on the GPU: the plan of wan_samplers.ts (selfForcingPlan) with the
// DiT on WebGPU, chunk after chunk through one KV cache, nothing read back inside the loop.
//
//   for each chunk c (chunkFrames latent frames, the last one maybe fewer):
//     x = noise(seed, stream c·(steps + 1))                                           σ = 1
//     for k in 0‥steps−1:  v = DiT(x, t_k, text, cache, chunk c)
//                          x = (1 − σ_{k+1})·(x − σ_k·v) + σ_{k+1}·noise(seed, stream c·(steps + 1) + k + 1)
//     DiT(x, t = 0, text, cache, chunk c)      the clean chunk's keys and values, left in the cache
//     onChunk(x)                               e.g. decode it with TAEHV while the next one samples
//
// Noise streams follow generate_window.ts's convention (window w draws streams from w·(steps + 1)),
// so the CPU reference (sampleSelfForcing with the same NormalRng streams) makes the same clip.
// GPU memory is flat in the clip's length apart from the cache, which is sized for the whole clip
// once (kv_cache.ts).
import { fewStepKernel, sigmasBytes, toFramesKernel } from '../gpu/ops/sampler.ts';
import type { BufferPool } from '../gpu/pool.ts';
import { tensorView, type Tensor } from '../gpu/tensor.ts';
import type { Dit, DitText } from '../model/dit.ts';
import { KvCache } from '../model/kv_cache.ts';
import { releaseCopy, toStorage } from '../model/layers.ts';
import type { TaehvDecoder } from '../model/taehv.ts';
import { ForwardRecorder, type UniformCache } from '../model/recorder.ts';
import { noiseOf } from './generate_window.ts';
import { selfForcingPlan, SELF_FORCING_CHUNK_FRAMES, SELF_FORCING_SHIFT, SELF_FORCING_STEPS, type SelfForcingCall } from './wan_samplers.ts';

/** What the Wan samplers run on: the device, its activation pool and uniforms, and the DiT. */
export interface WanSamplerGpu {
  device: GPUDevice;
  pool: BufferPool;
  uniforms: UniformCache;
  dit: Dit;
}

export interface SelfForcingRequest {
  seed: number;
  /** Latent frames of the clip and the latent height and width. */
  latentFrames: number;
  height: number;
  width: number;
  chunkFrames?: number;
  steps?: number;
  shift?: number;
}

/** The RNG stream of a call's noise: the chunk's start noise, or step k's re-noising. */
export function selfForcingStream(call: SelfForcingCall, purpose: 'start' | 'renoise', steps: number): number {
  const first = call.chunk * (steps + 1);
  return purpose === 'start' ? first : first + call.step + 1;
}

/**
 * Samples the clip chunk by chunk. `onChunk` gets each clean chunk's latents (C, frames, H, W) f32,
 * a pool tensor valid until it returns, and the chunk's first latent frame.
 */
export async function sampleSelfForcingGpu(
  gpu: WanSamplerGpu,
  text: DitText,
  request: SelfForcingRequest,
  onChunk: (latents: Tensor, startFrame: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const { device, pool, uniforms, dit } = gpu;
  const steps = request.steps ?? SELF_FORCING_STEPS;
  const plan = selfForcingPlan(request.latentFrames, request.chunkFrames ?? SELF_FORCING_CHUNK_FRAMES, steps, request.shift ?? SELF_FORCING_SHIFT);
  const channels = dit.config.in_channels;
  const { height, width } = request;
  const tokensPerFrame = (height / 2) * (width / 2);
  const cache = new KvCache(device, dit.config.num_layers, request.latentFrames * tokensPerFrame, dit.config.dim, dit.dtype);
  const t = device.createBuffer({ label: 't', size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const sigmaUniform = device.createBuffer({ label: 'sigmas', size: 8, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  let chunk: { x: Tensor; zeros: Tensor; noise: Tensor; frames: number } | null = null;
  const release = () => {
    if (chunk) for (const tensor of [chunk.x, chunk.zeros, chunk.noise]) pool.release(tensor);
    chunk = null;
  };
  try {
    for (const call of plan) {
      signal?.throwIfAborted();
      const shape = [channels, call.frames, height, width];
      const size = channels * call.frames * height * width;
      if (call.sigma === 1) {
        release();
        // Zeros for the update's clean latents and mask: nothing is given in text-to-video.
        chunk = { x: pool.acquireTensor(shape, 'f32'), zeros: pool.acquireTensor(shape, 'f32'), noise: pool.acquireTensor(shape, 'f32'), frames: call.frames };
        device.queue.writeBuffer(chunk.x.buffer, chunk.x.offset, noiseOf(size, request.seed, selfForcingStream(call, 'start', steps)));
      }
      const current = chunk!;
      device.queue.writeBuffer(t, 0, new Float32Array([call.t]));
      const r = new ForwardRecorder(device, pool, uniforms);
      if (call.step === 0) r.zero(current.zeros);
      const velocity = dit.forward(r, { x: current.x, t: tensorView(t, [1], 'f32') }, text, { cache, startFrame: call.startFrame });
      if (call.sigmaNext !== null) {
        device.queue.writeBuffer(sigmaUniform, 0, sigmasBytes(call.sigma, call.sigmaNext));
        if (call.sigmaNext > 0) device.queue.writeBuffer(current.noise.buffer, current.noise.offset, noiseOf(size, request.seed, selfForcingStream(call, 'renoise', steps)));
        const mask = { ...current.zeros, shape: [1, call.frames, height, width] };
        r.run(fewStepKernel, { channels, frames: call.frames, height, width }, { x: current.x, v: velocity, clean: current.zeros, mask, sigmas: sigmaUniform, noise: current.noise });
      }
      r.free(velocity);
      r.submit();
      if (call.sigmaNext === null) await onChunk(current.x, call.startFrame);
      // Waiting is not reading: it paces the loop and lets cancel act between calls.
      else await device.queue.onSubmittedWorkDone();
    }
  } finally {
    release();
    cache.destroy();
    t.destroy();
    sigmaUniform.destroy();
  }
}

/**
 * Records TAEHV's decoding of a clean chunk (C, F, H, W) f32 into frames (4F, 3, 8H, 8W) in [0, 1]
 * in the decoder's storage type: the latents re-laid frame-major, as TAEHV reads them. Chunks of
 * one clip go through one decoder in order (it carries each memory block's last frame); the
 * clip's first 3 frames are TAEHV's warm-up, for the caller to drop.
 */
export function decodeChunkWithTaehv(r: ForwardRecorder, taehv: TaehvDecoder, latents: Tensor): Tensor {
  const [channels, frames, height, width] = latents.shape as [number, number, number, number];
  const frameMajor = r.tensor([frames, channels, height, width], 'f32');
  r.run(toFramesKernel, { channels, frames, height, width }, { latents, frames: frameMajor });
  const input = toStorage(r, frameMajor, taehv.dtype);
  const rgb = taehv.decode(r, input);
  releaseCopy(r, input, frameMajor);
  r.free(frameMajor);
  return rgb;
}
