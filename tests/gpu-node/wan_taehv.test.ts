// TAEHV's decoder for Wan 2.1 from the twin's published-format `taew2_1.pth` (models/wan/make_twins.py:
// the real widths, random weights, f16 as published), loaded through the checkpoint reader, the
// manifest check and src/model/taehv.ts, on Dawn + lavapipe against the PyTorch goldens: 3 latent
// frames of 4×4 → 9 frames of 32×32, every level traced; all at once, and one latent frame at a time
// (streamed: each memory block carries its last input frame to the next chunk) with the same frames.
// Measured on lavapipe: f32 1.2e-6 relative error, f16 5.2e-4 (all at once).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uploadTensor } from '../../src/gpu/buffers.ts';
import { BufferPool } from '../../src/gpu/pool.ts';
import type { DType } from '../../src/gpu/tensor.ts';
import { PthFile } from '../../src/model/checkpoint/pth.ts';
import { ForwardRecorder, UniformCache, type Trace } from '../../src/model/recorder.ts';
import { TAEHV_FRAMES_TO_TRIM, TaehvDecoder } from '../../src/model/taehv.ts';
import { closeNodeGpu, nodeGpu } from '../support/dawn.ts';
import { readTraces } from '../support/model_goldens.ts';
import { relativeError } from './helpers.ts';
import { twinFile, twinGoldens, wanManifest, wanTwin } from '../unit/support/wan_twins.ts';

const twin = wanTwin('taehv');
const golden = twinGoldens(twin);
const latents = golden.f32('input.latents');
const [T, C, H, W] = golden.info('input.latents').shape as [number, number, number, number];

let device: GPUDevice;
beforeAll(async () => {
  device = (await nodeGpu()).device;
});
afterAll(closeNodeGpu);

async function decoder(dtype: DType): Promise<TaehvDecoder> {
  const file = twin.files[0]!;
  const set = (await PthFile.open(await twinFile(twin, file), file)).stateDict();
  return TaehvDecoder.load(device, set, wanManifest(twin.manifest), dtype);
}

/** Decodes latent frames [from, to) as one chunk; the frames and, when asked, the traces. */
async function decodeChunk(taehv: TaehvDecoder, dtype: DType, from: number, to: number, traced?: Trace): Promise<number[]> {
  const plane = C * H * W;
  const input = uploadTensor(device, latents.slice(from * plane, to * plane), [to - from, C, H, W], 'latents', dtype);
  const r = new ForwardRecorder(device, new BufferPool(device), new UniformCache(device), undefined, traced ?? new Map());
  const frames = taehv.decode(r, input);
  r.trace('frames', frames);
  r.submit();
  const traces = await readTraces(device, r.traced!);
  input.buffer.destroy();
  return traces.frames!;
}


const frameValues = 3 * 8 * H * 8 * W;
const trimmed = (frames: number[]) => frames.slice(TAEHV_FRAMES_TO_TRIM * frameValues);
// f32: sums of up to 512·9 products in another order than PyTorch's, 22 layers deep. f16: every
// activation rounded to f16 (2⁻¹¹ relative) at each of the layers.
const BOUND: Record<DType, number> = { f32: 1e-4, f16: 2e-2 };
const SLOW = { timeout: 600_000 };

// f32 all at once, every level traced (the engine's arithmetic); f16 streamed (as it would ship).
describe('TAEHV decoder twin', () => {
  test('f32, all latent frames at once: every level and the frames match the goldens', SLOW, async () => {
    const dtype = 'f32';
    const taehv = await decoder(dtype);
    try {
      const traced: Trace = new Map();
      await decodeChunk(taehv, dtype, 0, T, traced);
      const traces = await readTraces(device, traced);
      const names = ['decoder.2', 'decoder.3', 'decoder.5', 'decoder.8', 'decoder.11', 'decoder.14', 'decoder.17', 'decoder.21'];
      for (const name of names) {
        const error = relativeError(traces[name]!, golden.f32(name));
        expect(error, `${dtype} ${name}`).toBeLessThan(BOUND[dtype]);
      }
      const error = relativeError(trimmed(traces.frames!), golden.f32('output'));
      console.log(`TAEHV ${dtype}, frames: relative error ${error.toExponential(2)}`);
      expect(error).toBeLessThan(BOUND[dtype]);
    } finally {
      taehv.destroy();
    }
  });

  test('f16, streamed one latent frame at a time: the same frames', SLOW, async () => {
    const dtype = 'f16';
    const taehv = await decoder(dtype);
    try {
      const frames: number[] = [];
      for (let t = 0; t < T; t++) frames.push(...(await decodeChunk(taehv, dtype, t, t + 1)));
      expect(frames.length).toBe(4 * T * frameValues);
      const error = relativeError(trimmed(frames), golden.f32('output'));
      console.log(`TAEHV f16 streamed, frames: relative error ${error.toExponential(2)}`);
      expect(error).toBeLessThan(BOUND[dtype]);
      // A new clip starts from zeros again: the first chunk decodes as it did.
      taehv.reset();
      const again = await decodeChunk(taehv, dtype, 0, 1);
      expect(relativeError(again, frames.slice(0, again.length))).toBeLessThan(1e-6);
    } finally {
      taehv.destroy();
    }
  });
});
