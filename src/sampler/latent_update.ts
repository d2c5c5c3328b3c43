// The sampler's per-step update of the latents on the CPU, the twin of shaders/sampler.wgsl's
// few_step and euler kernels, and the seam blend, shaders/seam_blend.wgsl's twin (the WASM backend
// runs these; tests check both against the float64 references in src/gpu/reference/). Latents x
// (C, F, H, W) f32; the mask (F, H, W) is broadcast over channels, and where it is 1 x takes the
// given clean latents.
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

/**
 * The seam blend that ends a window sampled after `context` given frames (shaders/seam_blend.wgsl
 * says why): the Gaussian blur (σ latent pixels, edges clamped) of the step from the last context
 * frame to the first generated one, added to each generated frame j with weight (F − j)/(F − g).
 * `x` (C, F, H, W) in place; the mask (F, H, W) keeps given frames as they are. Separable here, a
 * direct 2-D sum on the GPU: the same weights, summed in another order.
 */
export function blendSeam(x: Float32Array, mask: Float32Array, shape: readonly [number, number, number, number], context: number, sigma: number): void {
  const [channels, frames, height, width] = shape;
  if (context < 1 || context >= frames || !(sigma > 0)) return;
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const norm = taps.reduce((a, b) => a + b, 0);
  const plane = height * width;
  const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  const step = new Float64Array(plane);
  const rows = new Float64Array(plane);
  for (let c = 0; c < channels; c++) {
    const last = (c * frames + context - 1) * plane;
    const first = (c * frames + context) * plane;
    for (let p = 0; p < plane; p++) step[p] = x[last + p]! - x[first + p]!;
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        let sum = 0;
        for (let d = -radius; d <= radius; d++) sum += taps[d + radius]! * step[y * width + clamp(xx + d, width)]!;
        rows[y * width + xx] = sum / norm;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        let sum = 0;
        for (let d = -radius; d <= radius; d++) sum += taps[d + radius]! * rows[clamp(y + d, height) * width + xx]!;
        const offset = sum / norm;
        for (let f = context; f < frames; f++) {
          if (mask[f * plane + y * width + xx] === 1) continue;
          const i = (c * frames + f) * plane + y * width + xx;
          x[i] = x[i]! + ((frames - f) / (frames - context)) * offset;
        }
      }
    }
  }
}
