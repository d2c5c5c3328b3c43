/** A random 32-bit seed for the sampler's noise. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}
