// shaders/patchify.wgsl against its reference (src/gpu/reference/patchify.ts), in f32 and f16
// storage, on Dawn + lavapipe: the cases of tests/gpu/patchify.spec.ts at both precisions. Pure
// permutations: every value is copied, so the output must match exactly at either precision.
import { test } from 'vitest';
import { patchifyConcatKernel, patchifyKernel, unpatchifyKernel } from '../../src/gpu/ops/patchify.ts';
import { concatChannels, patchify, unpatchify, type PatchShape } from '../../src/gpu/reference/patchify.ts';
import {
  BYTES_PER_ELEMENT,
  expectClose,
  fromStorage,
  PRECISIONS,
  randomValues,
  roundToStorage,
  runKernelNode,
  toStorage,
} from './helpers.ts';

const EXACT = { atol: 0, rtol: 0 };

const shapes: PatchShape[] = [
  { channels: 3, frames: 2, height: 4, width: 6 },
  { channels: 16, frames: 1, height: 2, width: 2 },
  { channels: 1, frames: 3, height: 6, width: 2 },
];

const volume = (s: PatchShape) => s.channels * s.frames * s.height * s.width;

for (const precision of PRECISIONS) {
  const input = (length: number, seed: number) => roundToStorage(randomValues(length, seed), precision);
  const bytes = (length: number) => ({ bytes: length * BYTES_PER_ELEMENT[precision] });

  for (const s of shapes) {
    const label = `C ${s.channels}, ${s.frames}×${s.height}×${s.width}`;
    test(`patchify ${precision}, ${label}`, async () => {
      const latents = input(volume(s), volume(s));
      const { tokens } = await runKernelNode(patchifyKernel, { ...s, precision }, { latents: toStorage(latents, precision), tokens: bytes(latents.length) });
      expectClose(fromStorage(tokens, precision), patchify(latents, s), EXACT);
    });

    test(`unpatchify ${precision}, ${label}`, async () => {
      const tokens = input(volume(s), volume(s) + 1);
      const { latents } = await runKernelNode(unpatchifyKernel, { ...s, precision }, { tokens: toStorage(tokens, precision), latents: bytes(tokens.length) });
      expectClose(fromStorage(latents, precision), unpatchify(tokens, s), EXACT);
    });
  }

  test(`patchify_concat ${precision}, noisy (2) + clean (2) + mask (1) channels, 2×2×4`, async () => {
    const [frames, height, width] = [2, 2, 4];
    const size = frames * height * width;
    const [a, b, c] = [input(2 * size, 1), input(2 * size, 2), input(size, 3)];
    const { tokens } = await runKernelNode(
      patchifyConcatKernel,
      { channels: 2, channelsB: 2, channelsC: 1, frames, height, width, precision },
      { a: toStorage(a, precision), tokens: bytes(5 * size), b: toStorage(b, precision), c: toStorage(c, precision) },
    );
    expectClose(fromStorage(tokens, precision), patchify(concatChannels(a, b, c), { channels: 5, frames, height, width }), EXACT);
  });
}
