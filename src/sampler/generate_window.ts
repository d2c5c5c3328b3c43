// One window of latent frames, text → clean latents, entirely on the GPU:
//
//   ids = tokenize(prompt);  context = T5(ids);  text = DiT.prepareText(context)    once per clip (encodePrompt)
//   x = noise(seed, stream 0)                                                        σ_0 = 1
//   for k in 0‥steps−1:  v = DiT(x, t = 1000·σ_k, text)
//                        x = (1 − σ_{k+1})·(x − σ_k·v) + σ_{k+1}·noise(seed, stream k+1)
//
// the few-step sampler of Self-Forcing-style distilled models (σ from sigmaSchedule(steps, shift));
// `solver: 'euler'` runs the plain flow-matching ODE instead, x += (σ_{k+1} − σ_k)·v, for
// reference runs with many steps. Given frames (mask = 1) stay clean throughout. A window given a
// context ends with the model's seam blend, when its config names one (shaders/seam_blend.wgsl).
//
// Noise is the RNG twin's (src/sampler/rng.ts ↔ models/train/rng.py): the initial latents are
// stream s₀ of the seed and step k's re-noising draws stream s₀ + k + 1, where s₀ = w·(steps + 1)
// for window w of a clip, so PyTorch can reproduce any step's noise by (seed, stream) alone, and
// the same seed gives the same clip.
//
// The CPU only schedules: t, σ and the step's noise reach the GPU by writeBuffer, queued in order
// with the submits, and nothing is read back inside the loop.
//
// cpu_window.ts is this loop's CPU twin (the WASM backend); latent_update.ts the kernels' twins.
import { fewStepKernel, eulerKernel, sigmasBytes } from '../gpu/ops/sampler.ts';
import { seamOffsetKernel, seamRampKernel } from '../gpu/ops/seam_blend.ts';
import { tensorView, type Tensor } from '../gpu/tensor.ts';
import type { DitText } from '../model/dit.ts';
import { ForwardRecorder } from '../model/recorder.ts';
import { givenMask, type GivenFrame } from './given_frames.ts';
import { NormalRng } from './rng.ts';
import { sigmaSchedule, timestepOf } from './schedule.ts';
import type { TextToVideoModel } from './text_to_video_model.ts';

export type Solver = 'few-step' | 'euler';

export interface WindowRequest {
  seed: number;
  /** Latent frames and latent height and width of the window. */
  frames: number;
  height: number;
  width: number;
  /** Defaults to the config's sampler.steps. */
  steps?: number;
  solver?: Solver;
  /**
   * The chunk contract: the previous window's clean latents (C, F, H, W), whose last `frames`
   * frames become this window's first frames, given through the mask and reused as they are.
   */
  context?: { latents: Tensor; frames: number };
  /** First RNG stream of this window: a clip's windows draw disjoint streams (default 0). */
  firstStream?: number;
  /** Latent frames (C, H, W) given at window positions: a start or end image, an extended clip's frames. */
  given?: GivenFrame[];
}

export interface WindowEvents {
  /** After step `step` (1-based) of `steps` has finished on the GPU. */
  onStep?: (step: number, steps: number) => void | Promise<void>;
  signal?: AbortSignal;
}

/** The noise tensor (C·F·H·W normals) of `stream` for `seed`. */
export const noiseOf = (size: number, seed: number, stream: number) => new NormalRng(seed, stream).fill(new Float32Array(size)) as Float32Array<ArrayBuffer>;

/** The prompt's text state for the DiT, from pool tensors: give it back with releasePromptText. */
export interface PromptText {
  text: DitText;
  /** Prompt words the tokenizer does not know (they became [UNK]). */
  unknownWords: string[];
}

/** Tokenizer, T5 and the DiT's per-block text keys and values: once per clip. */
export async function encodePromptText(model: TextToVideoModel, prompt: string): Promise<PromptText> {
  const { device, config, pool, uniforms } = model;
  const ids = device.createBuffer({ label: 'ids', size: config.text_encoder.text_len * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  try {
    const tokens = model.tokenizer.encode(prompt, config.text_encoder.text_len);
    device.queue.writeBuffer(ids, 0, Uint32Array.from(tokens.ids));
    const r = new ForwardRecorder(device, pool, uniforms);
    const context = model.textEncoder.encode(r, tensorView(ids, [tokens.ids.length], 'f32'), tokens.length); // (text_len, dim); ids are u32
    const text = model.dit.prepareText(r, context);
    r.free(context);
    r.submit();
    // Waiting is not reading: it lets the clip time the text phase on its own.
    await device.queue.onSubmittedWorkDone();
    return { text, unknownWords: tokens.unknown };
  } finally {
    ids.destroy();
  }
}

export function releasePromptText(model: TextToVideoModel, text: DitText): void {
  for (const tensor of [...text.keys, ...text.values]) model.pool.release(tensor);
}

/** Clean latents (C, F, H, W) f32 of one window, from the model's pool: release with model.pool.release. */
export async function generateWindow(model: TextToVideoModel, text: DitText, request: WindowRequest, events: WindowEvents = {}): Promise<Tensor> {
  const { device, config, pool, uniforms } = model;
  const steps = request.steps ?? config.sampler.steps;
  const sigmas = sigmaSchedule(steps, config.sampler.shift);
  const channels = config.dit.in_channels;
  const { frames, height, width } = request;
  const shape = [channels, frames, height, width];
  const size = channels * frames * height * width;
  const abort = () => events.signal?.throwIfAborted();

  // Per-window buffers come from the pool; the few fixed-size ones below are ours to destroy.
  const t = device.createBuffer({ label: 't', size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const sigmaUniform = device.createBuffer({ label: 'sigmas', size: 8, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const held: Tensor[] = [];
  let x: Tensor | null = null;
  try {
    const r = new ForwardRecorder(device, pool, uniforms);
    // x_T; given frames (the previous window's last clean latents) through clean·mask and the mask.
    const firstStream = request.firstStream ?? 0;
    const xt = pool.acquireTensor(shape, 'f32');
    x = xt;
    const cleanMasked = pool.acquireTensor(shape, 'f32');
    const mask = pool.acquireTensor([1, frames, height, width], 'f32');
    const noise = pool.acquireTensor(shape, 'f32');
    held.push(cleanMasked, mask, noise);
    r.zero(cleanMasked);
    const plane = height * width;
    const given = request.context ? Math.min(request.context.frames, frames) : 0;
    if (request.context && given > 0) {
      // (C, F, H, W): each channel's frames are contiguous, so one copy per channel.
      const previousFrames = request.context.latents.shape[1]!;
      for (let c = 0; c < channels; c++) {
        r.copy(request.context.latents, (c * previousFrames + previousFrames - given) * plane * 4, cleanMasked, c * frames * plane * 4, given * plane * 4);
      }
    }
    const givenFrames = request.given ?? [];
    device.queue.writeBuffer(mask.buffer, mask.offset, givenMask(frames, plane, given, givenFrames.map((g) => g.position)));
    device.queue.writeBuffer(xt.buffer, xt.offset, noiseOf(size, request.seed, firstStream));
    r.submit();
    // After the submit that zeroed cleanMasked (writes are queued in order with submits). Once
    // per window, from the CPU, where the encoder left them: no read-back in the loop.
    for (const { position, latent } of givenFrames) {
      for (let c = 0; c < channels; c++) {
        device.queue.writeBuffer(cleanMasked.buffer, cleanMasked.offset + (c * frames + position) * plane * 4, latent, c * plane, plane);
      }
    }

    const inputs = { x: xt, cleanMasked, mask, t: tensorView(t, [1], 'f32') };
    const params = { channels, frames, height, width };
    for (let k = 0; k < steps; k++) {
      abort();
      const [sigma, sigmaNext] = [sigmas[k]!, sigmas[k + 1]!];
      device.queue.writeBuffer(t, 0, new Float32Array([timestepOf(sigma)]));
      device.queue.writeBuffer(sigmaUniform, 0, sigmasBytes(sigma, sigmaNext));
      const step = new ForwardRecorder(device, pool, uniforms);
      const velocity = model.dit.forward(step, inputs, text); // (C, F, H, W)
      if ((request.solver ?? 'few-step') === 'few-step') {
        // The last step lands on σ = 0, where the noise has weight 0: no need to draw it.
        if (sigmaNext > 0) device.queue.writeBuffer(noise.buffer, noise.offset, noiseOf(size, request.seed, firstStream + k + 1));
        step.run(fewStepKernel, params, { x: xt, v: velocity, clean: cleanMasked, mask, sigmas: sigmaUniform, noise });
      } else {
        step.run(eulerKernel, params, { x: xt, v: velocity, clean: cleanMasked, mask, sigmas: sigmaUniform });
      }
      step.free(velocity);
      step.submit();
      // Waiting is not reading: it paces progress events and lets cancel act between steps.
      await device.queue.onSubmittedWorkDone();
      await events.onStep?.(k + 1, steps);
    }
    abort();
    const sigma = config.chunk.seam_blend_sigma ?? 0;
    if (given > 0 && given < frames && sigma > 0) {
      // The window's first generated frames take over the context's low frequencies (seam_blend.wgsl).
      const blend = new ForwardRecorder(device, pool, uniforms);
      const offset = blend.tensor([channels, height, width], 'f32');
      const blendParams = { ...params, context: given, sigma };
      blend.run(seamOffsetKernel, blendParams, { x: xt, offset, mask });
      blend.run(seamRampKernel, blendParams, { x: xt, offset, mask });
      blend.free(offset);
      blend.submit();
    }
    const latents = xt;
    x = null; // the caller's now
    return latents;
  } finally {
    if (x) pool.release(x);
    for (const tensor of held) pool.release(tensor);
    t.destroy();
    sigmaUniform.destroy();
  }
}
