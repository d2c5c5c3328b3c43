// The two samplers of the Wan 2.1 1.3B family, as plans of DiT calls plus their arithmetic (pure;
// the GPU loop runs the same plan with the DiT on WebGPU and these updates as kernels):
//
//   - the base model: flow matching, Euler over `steps` σ's (50, shift 5 upstream), each step two
//     DiT calls on the whole clip, with and without the prompt, mixed by classifier-free guidance;
//   - Self-Forcing: causal, chunk by chunk (3 latent frames each); per chunk 4 steps at
//     t = 1000, 937.5, 833.3, 625 (1000/750/500/250 warped by shift 5): predict x0 = x − σ·v, re-noise
//     to the next σ with fresh noise; then one call at t = 0 on the clean chunk, which leaves its keys
//     and values in the KV cache for the chunks after it. No guidance.
//
// Upstream's base sampler is UniPC (a multistep solver); plain Euler over the same σ's is the
// flow-matching reference this engine runs, so its clips will differ from upstream's in detail.
import { sigmaSchedule, timestepOf } from './schedule.ts';

/** One DiT call of the Self-Forcing plan. */
export interface SelfForcingCall {
  chunk: number;
  /** The call's place in its chunk: denoising steps 0‥steps − 1, then the cache pass (steps). */
  step: number;
  /** The chunk's first latent frame in the clip, and its frame count (the last chunk may be shorter). */
  startFrame: number;
  frames: number;
  /** The σ of the chunk's input and the DiT's timestep (1000·σ); 0 for the cache pass. */
  sigma: number;
  t: number;
  /** After a denoising call: the σ to re-noise x0 to, or 0 on the last step (x0 is the chunk). Null for the cache pass. */
  sigmaNext: number | null;
}

export const SELF_FORCING_STEPS = 4;
export const SELF_FORCING_SHIFT = 5;
export const SELF_FORCING_CHUNK_FRAMES = 3;

/** Every DiT call of a Self-Forcing clip of `latentFrames`, in order. */
export function selfForcingPlan(latentFrames: number, chunkFrames = SELF_FORCING_CHUNK_FRAMES, steps = SELF_FORCING_STEPS, shift = SELF_FORCING_SHIFT): SelfForcingCall[] {
  if (!Number.isInteger(latentFrames) || latentFrames < 1) throw new RangeError(`latent frames must be a whole number ≥ 1 (got ${latentFrames})`);
  const sigmas = sigmaSchedule(steps, shift);
  const calls: SelfForcingCall[] = [];
  for (let chunk = 0, startFrame = 0; startFrame < latentFrames; chunk++, startFrame += chunkFrames) {
    const frames = Math.min(chunkFrames, latentFrames - startFrame);
    for (let i = 0; i < steps; i++) {
      calls.push({ chunk, step: i, startFrame, frames, sigma: sigmas[i]!, t: timestepOf(sigmas[i]!), sigmaNext: sigmas[i + 1]! });
    }
    calls.push({ chunk, step: steps, startFrame, frames, sigma: 0, t: 0, sigmaNext: null });
  }
  return calls;
}

/** One step of the base sampler: σ → σ_next with two DiT calls. */
export interface GuidedStep {
  sigma: number;
  t: number;
  sigmaNext: number;
}

/** The base model's Euler steps (50 with shift 5 upstream). */
export function flowMatchingPlan(steps = 50, shift = 5): GuidedStep[] {
  const sigmas = sigmaSchedule(steps, shift);
  return Array.from({ length: steps }, (_, i) => ({ sigma: sigmas[i]!, t: timestepOf(sigmas[i]!), sigmaNext: sigmas[i + 1]! }));
}

/** Classifier-free guidance: v = v_uncond + scale·(v_cond − v_uncond). */
export function guidedVelocity(conditional: ArrayLike<number>, unconditional: ArrayLike<number>, scale: number): Float32Array {
  return Float32Array.from({ length: conditional.length }, (_, i) => unconditional[i]! + scale * (conditional[i]! - unconditional[i]!));
}

/**
 * A velocity model for the reference loops: (x, t, the call) → v, at once or after a wait (a DiT on
 * the GPU whose output is read back). Tests and the reference runs use it.
 */
export type VelocityFn<Call> = (x: Float32Array, t: number, call: Call) => Float32Array | Promise<Float32Array>;

/**
 * The base sampler on the CPU: Euler over the plan with guidance (the reference the GPU loop must
 * match). `noise` is the clip's starting latents; returns the clean latents.
 */
export async function sampleFlowMatching(noise: Float32Array, velocity: VelocityFn<{ prompt: 'conditional' | 'unconditional' }>, guidance: number, plan = flowMatchingPlan()): Promise<Float32Array> {
  const x = noise.slice();
  for (const step of plan) {
    const v = guidedVelocity(await velocity(x, step.t, { prompt: 'conditional' }), await velocity(x, step.t, { prompt: 'unconditional' }), guidance);
    const dt = step.sigmaNext - step.sigma;
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + dt * v[i]!;
  }
  return x;
}

/**
 * Self-Forcing on the CPU for one clip laid out as frames of `frameSize` values: `noiseFor(call)`
 * gives the chunk's starting noise (sigma 1) or its re-noising noise. The model sees each chunk's
 * x (frames·frameSize values) and the call (whose cache pass it must remember). Returns the clip.
 */
export async function sampleSelfForcing(
  latentFrames: number,
  frameSize: number,
  velocity: VelocityFn<SelfForcingCall>,
  noiseFor: (call: SelfForcingCall, purpose: 'start' | 'renoise') => Float32Array,
  plan = selfForcingPlan(latentFrames),
): Promise<Float32Array> {
  const clip = new Float32Array(latentFrames * frameSize);
  let x = new Float32Array(0);
  for (const call of plan) {
    if (call.sigmaNext === null) {
      // The cache pass: the clean chunk at t = 0; its output is not used.
      await velocity(x, 0, call);
      clip.set(x, call.startFrame * frameSize);
      continue;
    }
    if (call.sigma === 1) x = noiseFor(call, 'start').slice();
    const v = await velocity(x, call.t, call);
    const fresh = call.sigmaNext > 0 ? noiseFor(call, 'renoise') : null;
    for (let i = 0; i < x.length; i++) {
      const x0 = x[i]! - call.sigma * v[i]!;
      x[i] = fresh ? (1 - call.sigmaNext) * x0 + call.sigmaNext * fresh[i]! : x0;
    }
  }
  return clip;
}
