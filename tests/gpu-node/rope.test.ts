// shaders/rope.wgsl against its float64 reference (src/gpu/reference/rope.ts), in f32 and f16
// storage, on Dawn + lavapipe: the cases of tests/gpu/rope.spec.ts at both precisions. The cos/sin
// table is f32 at either precision; only q or k (rotated in place) is T.
import { expect, test } from 'vitest';
import { ropeKernel, ropeTable, ropeUniforms } from '../../src/gpu/ops/rope.ts';
import { rope, type RopeShape } from '../../src/gpu/reference/rope.ts';
import { expectClose, fromStorage, PRECISIONS, randomValues, roundToStorage, runKernelNode, storedAs, toStorage } from './helpers.ts';

// f32: inputs in [−1, 1]; cos/sin rounded once to f32 in the table, then two products and a sum
// in f32: a few 1e-7 against the reference's float64 cos/sin. f16 adds the store's rounding.
const TOLERANCE = { atol: 1e-6, rtol: 1e-6 };

const cases: (RopeShape & { label: string })[] = [
  { label: 'head_dim 12', frames: 2, height: 3, width: 4, heads: 2, headDim: 12 },
  { label: 'head_dim 16, frame offset 5', frames: 3, height: 2, width: 5, heads: 3, headDim: 16, frameOffset: 5 },
  // The real split [22, 21, 21].
  { label: 'head_dim 128', frames: 2, height: 2, width: 3, heads: 2, headDim: 128 },
];

for (const precision of PRECISIONS) {
  for (const c of cases) {
    test(`rope ${precision}, ${c.label}, ${c.frames}×${c.height}×${c.width} tokens, ${c.heads} heads`, async () => {
      const length = c.frames * c.height * c.width * c.heads * c.headDim;
      const x = roundToStorage(randomValues(length, c.headDim), precision);
      const positions = Math.max(c.frames + (c.frameOffset ?? 0), c.height, c.width);
      const out = await runKernelNode(ropeKernel, { ...c, precision }, { x: toStorage(x, precision), table: ropeTable(c.headDim, positions), params: ropeUniforms(c) });
      expectClose(fromStorage(out.x, precision), rope(x, c), storedAs(precision, TOLERANCE));
    });
  }
}

test('the frame offset is a uniform: the chunks of a streamed clip share one pipeline', () => {
  const shape = { frames: 4, height: 8, width: 8, heads: 2, headDim: 16, precision: 'f32' as const };
  const pipelineKey = (frameOffset: number) => JSON.stringify(ropeKernel.overrides({ ...shape, frameOffset }));
  for (const frameOffset of [4, 8, 236]) expect(pipelineKey(frameOffset)).toBe(pipelineKey(0));
  expect(Array.from(ropeUniforms({ frameOffset: 236 }))).toEqual([236, 0, 0, 0]);
});
