// The sampler's per-step update of the latents on the CPU, the twin of shaders/sampler.wgsl's
// few_step and euler kernels (the WASM backend runs these; tests check both against the float64
// references in src/gpu/reference/sampler.ts). Latents x (C, F, H, W) f32; the mask (F, H, W) is
// broadcast over channels, and where it is 1 x takes the given clean latents.
//
// σ and σ_next are rounded to f32 first, as the GPU gets them (a f32 uniform); the arithmetic is
// float64 rounded once to f32 on store, which differs from the GPU's f32 arithmetic by at most an
// ulp or two of x.

export interface StepInputs {
  /** Latents, updated in place. */
  x: Float32Array;
  /** The DiT's velocity at x. */
  velocity: Float32Array;
  /** Given clean latents (used where mask = 1). */
  clean: Float32Array;
  /** (F, H, W): 1 on given positions, 0 on generated ones. */
  mask: Float32Array;
}

/** x ← (1 − σ_next)·(x − σ·v) + σ_next·noise, and x = clean where mask = 1. `noise` may be null when σ_next = 0. */
export function maskedFewStep({ x, velocity, clean, mask }: StepInputs, sigma: number, sigmaNext: number, noise: Float32Array | null): void {
  const s = Math.fround(sigma);
  const sn = Math.fround(sigmaNext);
  if (!noise && sn !== 0) throw new RangeError('the few-step update needs fresh noise unless σ_next = 0');
  const plane = mask.length;
  for (let i = 0; i < x.length; i++) {
    if (mask[i % plane] === 1) {
      x[i] = clean[i]!;
      continue;
    }
    const x0 = x[i]! - s * velocity[i]!;
    x[i] = (1 - sn) * x0 + (noise ? sn * noise[i]! : 0);
  }
}

/** x ← x + (σ_next − σ)·v, and x = clean where mask = 1. */
export function maskedEuler({ x, velocity, clean, mask }: StepInputs, sigma: number, sigmaNext: number): void {
  const dt = Math.fround(sigmaNext) - Math.fround(sigma);
  const plane = mask.length;
  for (let i = 0; i < x.length; i++) x[i] = mask[i % plane] === 1 ? clean[i]! : x[i]! + dt * velocity[i]!;
}
