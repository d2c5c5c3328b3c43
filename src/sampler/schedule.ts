// Flow-matching noise schedules (pure functions; the sampler loop applies them on the GPU).
//
// Flow matching interpolates x_σ = (1 − σ)·x0 + σ·noise for σ ∈ [0, 1], and the DiT predicts the
// velocity v = noise − x0. A timestep shift s spends more steps at high noise:
// σ′ = s·σ / (1 + (s − 1)·σ), and the model's timestep input is t = 1000·σ′.

/** σ warped by the timestep shift. */
export function shiftSigma(sigma: number, shift: number): number {
  return (shift * sigma) / (1 + (shift - 1) * sigma);
}

/**
 * The σ of each step, from 1 (pure noise) down to 0 (clean), `steps + 1` values: evenly spaced,
 * then shifted. Used both by the reference Euler sampler (many steps) and by the few-step sampler
 * (its first `steps` entries are the timesteps it denoises at, e.g. 4 steps with shift 5 give
 * t = 1000, 937.5, 833.3, 625 — Self-Forcing's schedule).
 */
export function sigmaSchedule(steps: number, shift: number): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a whole number ≥ 1 (got ${steps})`);
  if (!(shift > 0)) throw new RangeError(`shift must be positive (got ${shift})`);
  return Float64Array.from({ length: steps + 1 }, (_, i) => shiftSigma(1 - i / steps, shift));
}

/** The DiT's timestep input for a σ. */
export const timestepOf = (sigma: number) => 1000 * sigma;

/** One Euler step of the flow ODE: x ← x + (σ_next − σ)·v, in place. */
export function eulerStep(x: Float32Array, velocity: Float32Array, sigma: number, sigmaNext: number): void {
  const dt = sigmaNext - sigma;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + dt * velocity[i]!;
}

/**
 * One few-step (consistency-style) step: predict x0 = x − σ·v, then re-noise it to σ_next with
 * fresh noise: x ← (1 − σ_next)·x0 + σ_next·noise, in place. At σ_next = 0 this returns x0.
 */
export function fewStep(x: Float32Array, velocity: Float32Array, sigma: number, sigmaNext: number, noise: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]! - sigma * velocity[i]!;
    x[i] = (1 - sigmaNext) * x0 + sigmaNext * noise[i]!;
  }
}
