// shaders/conv.wgsl against its reference (src/gpu/reference/conv.ts), in f32 and f16 storage, on
// Dawn + lavapipe: each option TAEHV's decoder uses, alone and as the decoder combines them.
import { test } from 'vitest';
import { conv2dKernel, type ConvParams } from '../../src/gpu/ops/conv.ts';
import { conv2d } from '../../src/gpu/reference/conv.ts';
import { BYTES_PER_ELEMENT, expectClose, fromStorage, PRECISIONS, randomValues, roundToStorage, runKernelNode, toStorage } from './helpers.ts';

type Case = Omit<ConvParams, 'precision' | 'workgroupSize'>;
const plain: Case = {
  frames: 2, channelsIn: 5, channelsOut: 4, height: 6, width: 7, kernel: 3,
  bias: false, concatPast: false, upsample: false, softClamp: false, residual: false, activation: 'none',
};
const cases: [string, Case][] = [
  ['3×3', plain],
  ['3×3 with bias and ReLU', { ...plain, bias: true, activation: 'relu' }],
  ['1×1 (a time grow or pool)', { ...plain, kernel: 1 }],
  ['memory block: the frame before concatenated, the carry before frame 0', { ...plain, frames: 3, concatPast: true, bias: true }],
  ['memory block end: residual added, then ReLU', { ...plain, residual: true, bias: true, activation: 'relu' }],
  ['upsampled input (8×6 out of 4×3)', { ...plain, height: 8, width: 6, upsample: true }],
  ['soft-clamped input, clamped output', { ...plain, softClamp: true, activation: 'clamp01', bias: true }],
];

// f32: sums of ≤ 90 products of O(1) values, in a different order. f16: inputs rounded to f16 on
// both sides; the output rounded once (2⁻¹¹ relative) over sums of up to ~10.
const TOLERANCE = { f32: { atol: 1e-5, rtol: 1e-5 }, f16: { atol: 1e-2, rtol: 2e-3 } } as const;

for (const precision of PRECISIONS) {
  for (const [label, c] of cases) {
    test(`conv2d ${precision}, ${label}`, async () => {
      const [inH, inW] = c.upsample ? [c.height / 2, c.width / 2] : [c.height, c.width];
      const channelsAll = c.concatPast ? 2 * c.channelsIn : c.channelsIn;
      const values = (length: number, seed: number, scale = 1) => roundToStorage(randomValues(length, seed).map((v) => v * scale), precision);
      // Soft clamp bites only on inputs beyond ±1, so give it some.
      const x = values(c.frames * c.channelsIn * inH * inW, 1, c.softClamp ? 6 : 1);
      const weight = values(c.channelsOut * channelsAll * c.kernel * c.kernel, 2, 0.3);
      const bias = values(c.channelsOut, 3);
      const carry = values(c.channelsIn * inH * inW, 4);
      const residual = values(c.frames * c.channelsOut * c.height * c.width, 5);
      const outputLength = c.frames * c.channelsOut * c.height * c.width;
      const { y } = await runKernelNode(conv2dKernel, { ...c, precision }, {
        x: toStorage(x, precision), weight: toStorage(weight, precision), bias: toStorage(bias, precision),
        carry: toStorage(carry, precision), residual: toStorage(residual, precision),
        y: { bytes: outputLength * BYTES_PER_ELEMENT[precision] },
      });
      const expected = conv2d(c, { x, weight, bias, carry, residual });
      expectClose(fromStorage(y, precision), expected, TOLERANCE[precision], `${precision} ${label}`);
    });
  }
}
