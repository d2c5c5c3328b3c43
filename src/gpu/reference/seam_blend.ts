// CPU reference for shaders/seam_blend.wgsl, in float64: the seam blend that ends a window sampled
// after a context (see that shader's header for why). Latents x (C, F, H, W) row-major; the mask
// (F, H, W) is 1 on given positions.
//
//   g = context frames, D[c] = blur_σ(x[c, g−1] − x[c, g])     (Gaussian, radius ⌈3σ⌉, edges clamped)
//   x[c, j] += (F − j) / (F − g) · D[c]                           for j ≥ g where the mask is 0

/** The normalised Gaussian taps k[−r‥r] (index d + r), r = ⌈3σ⌉. */
export function gaussianTaps(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const sum = taps.reduce((a, b) => a + b, 0);
  return taps.map((t) => t / sum);
}

/** The blend's weight on window frame j: 1 on the first generated frame, falling to 1/(F − g) on the last. */
const seamWeight = (frame: number, frames: number, context: number) => (frames - frame) / (frames - context);

/** x after the seam blend (a new array). */
export function seamBlend(
  x: ArrayLike<number>, mask: ArrayLike<number>, shape: readonly [number, number, number, number], context: number, sigma: number,
): Float64Array {
  const [channels, frames, height, width] = shape;
  const out = Float64Array.from(x);
  if (context < 1 || context >= frames) return out;
  const taps = gaussianTaps(sigma);
  const radius = (taps.length - 1) / 2;
  const plane = height * width;
  const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  for (let c = 0; c < channels; c++) {
    const at = (f: number, y: number, xx: number) => (c * frames + f) * plane + y * width + xx;
    const offset = new Float64Array(plane);
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        let sum = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          for (let dx = -radius; dx <= radius; dx++) {
            const [yy, xs] = [clamp(y + dy, height), clamp(xx + dx, width)];
            sum += taps[dy + radius]! * taps[dx + radius]! * (x[at(context - 1, yy, xs)]! - x[at(context, yy, xs)]!);
          }
        }
        offset[y * width + xx] = sum;
      }
    }
    for (let f = context; f < frames; f++) {
      const weight = seamWeight(f, frames, context);
      for (let p = 0; p < plane; p++) {
        const i = (c * frames + f) * plane + p;
        if (mask[f * plane + p] !== 1) out[i] = out[i]! + weight * offset[p]!;
      }
    }
  }
  return out;
}
