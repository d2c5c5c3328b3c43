// CPU references for shaders/sampler.wgsl, in float64. Latents are (C, F, H, W) row-major and the
// mask (1, F, H, W) is broadcast over channels; where it is 1 the clean latents are kept.

function masked(update: (i: number) => number, clean: ArrayLike<number>, mask: ArrayLike<number>, length: number): Float64Array {
  const plane = mask.length;
  return Float64Array.from({ length }, (_, i) => (mask[i % plane] === 1 ? clean[i]! : update(i)));
}

/** (1 − σ_next)·(x − σ·v) + σ_next·noise, or clean where mask = 1. */
export function fewStep(
  x: ArrayLike<number>, v: ArrayLike<number>, clean: ArrayLike<number>, mask: ArrayLike<number>, noise: ArrayLike<number>,
  sigma: number, sigmaNext: number,
): Float64Array {
  return masked((i) => (1 - sigmaNext) * (x[i]! - sigma * v[i]!) + sigmaNext * noise[i]!, clean, mask, x.length);
}

/** x + (σ_next − σ)·v, or clean where mask = 1. */
export function euler(
  x: ArrayLike<number>, v: ArrayLike<number>, clean: ArrayLike<number>, mask: ArrayLike<number>, sigma: number, sigmaNext: number,
): Float64Array {
  return masked((i) => x[i]! + (sigmaNext - sigma) * v[i]!, clean, mask, x.length);
}

/** x + (σ_next − σ)·(vUncond + guidance·(v − vUncond)), or clean where mask = 1. */
export function guidedEuler(
  x: ArrayLike<number>, v: ArrayLike<number>, vUncond: ArrayLike<number>, clean: ArrayLike<number>, mask: ArrayLike<number>,
  sigma: number, sigmaNext: number, guidance: number,
): Float64Array {
  return masked((i) => x[i]! + (sigmaNext - sigma) * (vUncond[i]! + guidance * (v[i]! - vUncond[i]!)), clean, mask, x.length);
}

/** (C, F, H, W) → (F, C, H, W). */
export function toFrames(latents: ArrayLike<number>, channels: number, frames: number, pixels: number): Float64Array {
  const out = new Float64Array(latents.length);
  for (let c = 0; c < channels; c++) {
    for (let f = 0; f < frames; f++) {
      for (let p = 0; p < pixels; p++) out[(f * channels + c) * pixels + p] = latents[(c * frames + f) * pixels + p]!;
    }
  }
  return out;
}
