// CPU reference for shaders/conv.wgsl, in float64: the same options, written as the steps they
// fold (soft clamp, upsample, concatenation with the frame before, convolution, bias, residual,
// activation) so each is checked against its plain meaning.
import type { ConvParams } from '../ops/conv.ts';

export interface ConvInputs {
  /** (frames, channelsIn, H_in, W_in). */
  x: ArrayLike<number>;
  /** (channelsOut, channelsIn · (concatPast ? 2 : 1), kernel, kernel). */
  weight: ArrayLike<number>;
  bias?: ArrayLike<number>;
  /** (channelsIn, H_in, W_in): the frame before frame 0 (zeros when absent). */
  carry?: ArrayLike<number>;
  /** (frames, channelsOut, H, W). */
  residual?: ArrayLike<number>;
}

type Options = Omit<ConvParams, 'precision' | 'workgroupSize'>;

export function conv2d(p: Options, inputs: ConvInputs): Float64Array {
  const { frames, channelsIn, channelsOut, height, width, kernel } = p;
  const [inH, inW] = p.upsample ? [height / 2, width / 2] : [height, width];
  const inPlane = inH * inW;
  // The input the convolution sees: (frames, channelsAll, height, width).
  const channelsAll = p.concatPast ? 2 * channelsIn : channelsIn;
  const seen = new Float64Array(frames * channelsAll * height * width);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channelsAll; c++) {
      for (let row = 0; row < height; row++) {
        for (let col = 0; col < width; col++) {
          const at = p.upsample ? Math.floor(row / 2) * inW + Math.floor(col / 2) : row * inW + col;
          let v: number;
          if (c < channelsIn) v = inputs.x[(f * channelsIn + c) * inPlane + at]!;
          else if (f > 0) v = inputs.x[((f - 1) * channelsIn + c - channelsIn) * inPlane + at]!;
          else v = inputs.carry?.[(c - channelsIn) * inPlane + at] ?? 0;
          if (p.softClamp) v = Math.tanh(v / 3) * 3;
          seen[((f * channelsAll + c) * height + row) * width + col] = v;
        }
      }
    }
  }
  const pad = Math.floor(kernel / 2);
  const y = new Float64Array(frames * channelsOut * height * width);
  for (let f = 0; f < frames; f++) {
    for (let o = 0; o < channelsOut; o++) {
      for (let row = 0; row < height; row++) {
        for (let col = 0; col < width; col++) {
          let sum = p.bias ? inputs.bias![o]! : 0;
          for (let c = 0; c < channelsAll; c++) {
            for (let ky = 0; ky < kernel; ky++) {
              const r = row + ky - pad;
              if (r < 0 || r >= height) continue;
              for (let kx = 0; kx < kernel; kx++) {
                const q = col + kx - pad;
                if (q < 0 || q >= width) continue;
                sum += inputs.weight[((o * channelsAll + c) * kernel + ky) * kernel + kx]! * seen[((f * channelsAll + c) * height + r) * width + q]!;
              }
            }
          }
          const i = ((f * channelsOut + o) * height + row) * width + col;
          if (p.residual) sum += inputs.residual![i]!;
          if (p.activation === 'relu') sum = Math.max(sum, 0);
          else if (p.activation === 'clamp01') sum = Math.min(Math.max(sum, 0), 1);
          y[i] = sum;
        }
      }
    }
  }
  return y;
}
