// A cheap look at a window while it is being denoised: the current estimate of the clean
// latents (x0 = x − σ·v) mapped to colour by one linear map per pixel, at latent resolution
// (8× smaller than the video), instead of a VAE decode per step. The map — 3 × (C + 1) numbers —
// is fitted once per model by least squares: the VAE decodes a few random latents, the decoded
// frames are averaged over each latent pixel's 8×8 block, and colour ≈ W·latent + b is solved.
// It is a preview: blurry and approximate by design, good enough to watch a clip sharpen.

/** colour[k] = Σ_c weights[k·C + c]·latent[c] + bias[k], colour in [-1, 1], k = R, G, B. */
export interface LatentColourMap {
  channels: number;
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * Fits the map from latents (N, C, h, w) and the frames decoded from them (N, 3, h·s, w·s),
 * s the VAE's spatial factor. Solves the normal equations (C+1 unknowns per colour) with a
 * small ridge term so that a channel the decoder ignores cannot make them singular.
 */
export function fitLatentColourMap(
  latents: Float32Array, frames: Float32Array,
  shape: { count: number; channels: number; height: number; width: number; factor: number },
): LatentColourMap {
  const { count, channels, height, width, factor } = shape;
  const unknowns = channels + 1;
  const gram = new Float64Array(unknowns * unknowns);
  const rhs = new Float64Array(3 * unknowns);
  const row = new Float64Array(unknowns);
  const plane = height * width;
  const bigWidth = width * factor;
  const bigPlane = plane * factor * factor;
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) row[c] = latents[(n * channels + c) * plane + p]!;
      row[channels] = 1;
      for (let i = 0; i < unknowns; i++) for (let j = 0; j < unknowns; j++) gram[i * unknowns + j]! += row[i]! * row[j]!;
      const [y, x] = [Math.floor(p / width), p % width];
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const base = (n * 3 + k) * bigPlane + (y * factor + dy) * bigWidth + x * factor;
          for (let dx = 0; dx < factor; dx++) sum += frames[base + dx]!;
        }
        const target = sum / (factor * factor);
        for (let i = 0; i < unknowns; i++) rhs[k * unknowns + i]! += row[i]! * target;
      }
    }
  }
  const ridge = 1e-6 * count * plane;
  for (let i = 0; i < channels; i++) gram[i * unknowns + i]! += ridge;
  const weights = new Float32Array(3 * channels);
  const bias = new Float32Array(3);
  for (let k = 0; k < 3; k++) {
    const solution = solveSymmetric(gram, rhs.subarray(k * unknowns, (k + 1) * unknowns), unknowns);
    weights.set(solution.subarray(0, channels), k * channels);
    bias[k] = solution[channels]!;
  }
  return { channels, weights, bias };
}

/** Frame `frame` of latents (C, F, h, w) as an opaque RGBA8 image of h×w pixels. */
export function previewFrame(latents: Float32Array, shape: readonly [number, number, number, number], frame: number, map: LatentColourMap): Uint8Array<ArrayBuffer> {
  const [channels, frames, height, width] = shape;
  if (channels !== map.channels) throw new Error(`the colour map is for ${map.channels} channels, the latents have ${channels}`);
  const plane = height * width;
  const rgba = new Uint8Array(plane * 4);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) {
      let v = map.bias[k]!;
      for (let c = 0; c < channels; c++) v += map.weights[k * channels + c]! * latents[(c * frames + frame) * plane + p]!;
      rgba[p * 4 + k] = Math.round(Math.min(Math.max((v + 1) * 127.5, 0), 255));
    }
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

/** Solves A·x = b for a small symmetric positive definite A (n×n) by Cholesky. */
function solveSymmetric(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error('the colour fit is singular (the decoder ignores its latents?)');
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j]!;
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * y[k]!;
    y[i] = sum / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * x[k]!;
    x[i] = sum / l[i * n + i]!;
  }
  return x;
}
