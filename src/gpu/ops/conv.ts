// 2-D convolution over a stack of frames (shaders/conv.wgsl), with TAEHV's neighbouring steps
// folded in; CPU reference in ../reference/conv.ts.
import source from '../../../shaders/conv.wgsl?raw';
import { defineKernel, grid2d, type Precision } from '../kernel.ts';

export type ConvActivation = 'none' | 'relu' | 'clamp01';

export interface ConvParams {
  frames: number;
  /** Channels of x (a memory block's convolution reads twice as many: x and the frame before). */
  channelsIn: number;
  channelsOut: number;
  /** Output size; the input is half of it with `upsample`. */
  height: number;
  width: number;
  kernel: 1 | 3;
  bias: boolean;
  concatPast: boolean;
  upsample: boolean;
  softClamp: boolean;
  residual: boolean;
  activation: ConvActivation;
  precision: Precision;
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 64;
const ACTIVATIONS: Record<ConvActivation, number> = { none: 0, relu: 1, clamp01: 2 };

/** Binding order as in the shader; absent inputs are bound to any buffer (never read). */
export const conv2dKernel = defineKernel({
  name: 'conv.conv2d',
  code: source,
  entryPoint: 'conv2d',
  bindings: [
    ['x', 'read-only-storage'],
    ['weight', 'read-only-storage'],
    ['bias', 'read-only-storage'],
    ['carry', 'read-only-storage'],
    ['residual', 'read-only-storage'],
    ['y', 'storage'],
  ] as const,
  precision: (p: ConvParams) => p.precision,
  overrides: (p: ConvParams) => {
    if (p.upsample && (p.height % 2 || p.width % 2)) throw new Error(`conv2d: an upsampled output ${p.height}×${p.width} must be even`);
    return {
      WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE,
      FRAMES: p.frames,
      C_IN: p.channelsIn,
      C_OUT: p.channelsOut,
      HEIGHT: p.height,
      WIDTH: p.width,
      KERNEL: p.kernel,
      HAS_BIAS: Number(p.bias),
      CONCAT_PAST: Number(p.concatPast),
      UPSAMPLE: Number(p.upsample),
      SOFT_CLAMP: Number(p.softClamp),
      RESIDUAL: Number(p.residual),
      ACTIVATION: ACTIVATIONS[p.activation],
    };
  },
  // One invocation per output element.
  grid: (p: ConvParams) => grid2d(Math.ceil((p.frames * p.channelsOut * p.height * p.width) / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE))),
});
