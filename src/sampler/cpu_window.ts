// One window of latent frames sampled on the CPU, the twin of generate_window.ts's GPU loop with
// the same schedule, RNG streams and masked updates (latent_update.ts):
//
//   x = noise(seed, stream s₀)                                                       σ_0 = 1
//   for k in 0‥steps−1:  v = velocity(x, clean·mask, mask, t = 1000·σ_k)
//                        few-step: x = (1 − σ_{k+1})·(x − σ_k·v) + σ_{k+1}·noise(seed, s₀ + k + 1)
//                        euler:    x = x + (σ_{k+1} − σ_k)·v
//                        x = clean where mask = 1
//   after a context (spec.seamBlend): x = blendSeam(x)                              as generate_window.ts
//
// The velocity is a function argument (the WASM backend passes the ONNX DiT with the prompt's
// text bound), so the loop itself is pure TypeScript and unit-tested in Node.
import type { Solver } from './generate_window.ts';
import { noise as noiseOf } from './rng.ts';
import { blendSeam, maskedEuler, maskedFewStep } from './latent_update.ts';
import { sigmaSchedule, timestepOf } from './schedule.ts';

export type LatentShape = readonly [channels: number, frames: number, height: number, width: number];

/** Given latent frames of a window: any set of positions, not only leading context frames. */
export interface GivenLatents {
  /** (C, F, H, W): the given values where mask = 1, zero elsewhere (the DiT's clean·mask input). */
  cleanMasked: Float32Array;
  /** (F, H, W): 1 where given. */
  mask: Float32Array;
}

export type VelocityFn = (x: Float32Array, cleanMasked: Float32Array, mask: Float32Array, t: number) => Promise<Float32Array>;

export interface CpuWindowSpec {
  shape: LatentShape;
  seed: number;
  steps: number;
  shift: number;
  solver?: Solver;
  firstStream: number;
  /** The window's given leading context frames and the config's seam-blend σ (latent_update.ts's blendSeam). */
  seamBlend?: { context: number; sigma: number };
}

/** Nothing given: every position is generated. */
export function nothingGiven([channels, frames, height, width]: LatentShape): GivenLatents {
  return { cleanMasked: new Float32Array(channels * frames * height * width), mask: new Float32Array(frames * height * width) };
}

/**
 * The chunk contract: the last `count` frames of the previous window's latents `previous`
 * (C, F′, H, W) become the first `count` frames of this window, given.
 */
export function contextGiven(previous: Float32Array, count: number, shape: LatentShape): GivenLatents {
  const [channels, frames, height, width] = shape;
  const plane = height * width;
  const previousFrames = previous.length / (channels * plane);
  const given = Math.min(count, frames, previousFrames);
  const { cleanMasked, mask } = nothingGiven(shape);
  for (let c = 0; c < channels; c++) {
    // (C, F, H, W): each channel's frames are contiguous, so one copy per channel.
    const from = (c * previousFrames + previousFrames - given) * plane;
    cleanMasked.set(previous.subarray(from, from + given * plane), c * frames * plane);
  }
  mask.fill(1, 0, given * plane);
  return { cleanMasked, mask };
}

export interface CpuWindowEvents {
  signal?: AbortSignal;
  onStep?: (step: number, steps: number) => void | Promise<void>;
  /** Step k's estimate of the clean latents, x0 = x − σ_k·v (given values where mask = 1), for a preview. */
  onEstimate?: (estimate: Float32Array, step: number, steps: number) => void | Promise<void>;
}

/** x0 = x − σ·v, with the given values where mask = 1: what the window is becoming. */
export function cleanEstimate(x: Float32Array, v: Float32Array, sigma: number, given: GivenLatents): Float32Array {
  const plane = given.mask.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = given.mask[i % plane] === 1 ? given.cleanMasked[i]! : x[i]! - sigma * v[i]!;
  return out;
}

/** Clean latents (C, F, H, W) of one window. */
export async function sampleWindowOnCpu(velocity: VelocityFn, spec: CpuWindowSpec, given: GivenLatents, events: CpuWindowEvents = {}): Promise<Float32Array> {
  const [channels, frames, height, width] = spec.shape;
  const size = channels * frames * height * width;
  if (given.cleanMasked.length !== size || given.mask.length !== frames * height * width) {
    throw new RangeError(`given latents do not fit the window (${spec.shape.join('×')})`);
  }
  const sigmas = sigmaSchedule(spec.steps, spec.shift);
  const few = (spec.solver ?? 'few-step') === 'few-step';
  // x_T is pure noise everywhere, given positions included (as on the GPU): the first update puts the given values there.
  const x = noiseOf(size, spec.seed, spec.firstStream);
  for (let k = 0; k < spec.steps; k++) {
    events.signal?.throwIfAborted();
    const [sigma, sigmaNext] = [sigmas[k]!, sigmas[k + 1]!];
    // t reaches the DiT as f32 on both backends.
    const v = await velocity(x, given.cleanMasked, given.mask, Math.fround(timestepOf(sigma)));
    if (events.onEstimate) await events.onEstimate(cleanEstimate(x, v, sigma, given), k + 1, spec.steps);
    const inputs = { x, velocity: v, clean: given.cleanMasked, mask: given.mask };
    if (few) {
      // The last step lands on σ = 0, where the noise has weight 0: no need to draw it.
      maskedFewStep(inputs, sigma, sigmaNext, sigmaNext > 0 ? noiseOf(size, spec.seed, spec.firstStream + k + 1) : null);
    } else {
      maskedEuler(inputs, sigma, sigmaNext);
    }
    await events.onStep?.(k + 1, spec.steps);
  }
  events.signal?.throwIfAborted();
  if (spec.seamBlend) blendSeam(x, given.mask, spec.shape, spec.seamBlend.context, spec.seamBlend.sigma);
  return x;
}
