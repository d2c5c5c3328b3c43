// Self-Forcing's causal generation on our DiT (the tiny test model, f32, Dawn + lavapipe): making a
// window chunk by chunk through the per-layer KV cache (src/model/kv_cache.ts: each chunk's keys and
// values written at its rows, queries attending to earlier chunks through the cache, RoPE from the
// chunk's first frame) gives the same velocities as one forward over the whole window with the
// attention kernel's causal-by-chunk mask; and that mask changes the result (it is not a no-op).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readTensorBytes, uploadF32Tensor } from '../../src/gpu/buffers.ts';
import { BufferPool } from '../../src/gpu/pool.ts';
import type { Tensor } from '../../src/gpu/tensor.ts';
import { parseModelConfig } from '../../src/model/config.ts';
import { Constants } from '../../src/model/constants.ts';
import { Dit, type DitChunk, type DitChunkMask, type DitInputs } from '../../src/model/dit.ts';
import { GpuWeights } from '../../src/model/gpu_weights.ts';
import { KvCache } from '../../src/model/kv_cache.ts';
import { ForwardRecorder, UniformCache } from '../../src/model/recorder.ts';
import { SafetensorsFile, WeightSet } from '../../src/model/weights.ts';
import { closeNodeGpu, nodeGpu } from '../support/dawn.ts';
import { expectClose } from './helpers.ts';

const config = parseModelConfig(JSON.parse(readFileSync('models/tiny-test/manifest.json', 'utf8')).config);
const file = (path: string) => SafetensorsFile.parse(new Uint8Array(readFileSync(path)), path);
const golden = file('tests/fixtures/goldens/dit.safetensors');
const weights = new WeightSet([file('models/tiny-test/dit.safetensors')]);
const [channels, frames, height, width] = golden.info('input.x').shape as [number, number, number, number];

let device: GPUDevice;
beforeAll(async () => {
  device = (await nodeGpu()).device;
});
afterAll(closeNodeGpu);

/** Frames [first, first + count) of a (C, F, H, W) array. */
function frameSlice(data: Float32Array, c: number, first: number, count: number): Float32Array {
  const plane = height * width;
  const out = new Float32Array(c * count * plane);
  for (let ch = 0; ch < c; ch++) out.set(data.subarray((ch * frames + first) * plane, (ch * frames + first + count) * plane), ch * count * plane);
  return out;
}

function inputsFor(first: number, count: number): DitInputs {
  const up = (name: string, c: number, data = golden.f32(name)) => uploadF32Tensor(device, frameSlice(data, c, first, count), [c, count, height, width], name);
  const mask = golden.f32('input.mask');
  const clean = golden.f32('input.clean').map((v, i) => v * mask[i % (frames * height * width)]!);
  return { x: up('input.x', channels), cleanMasked: up('input.clean', channels, clean), mask: up('input.mask', 1), t: uploadF32Tensor(device, golden.f32('input.t'), [1], 't') };
}

const dit = () => new Dit(config.dit, new GpuWeights(device, weights), 'f32', new Constants(device));

async function velocity(model: Dit, inputs: DitInputs, causal?: DitChunk | DitChunkMask): Promise<Float32Array> {
  const r = new ForwardRecorder(device, new BufferPool(device), new UniformCache(device));
  const context = uploadF32Tensor(device, golden.f32('input.context'), golden.info('input.context').shape, 'context');
  const text = model.prepareText(r, context);
  const out: Tensor = model.forward(r, inputs, text, causal);
  r.submit();
  return new Float32Array(await readTensorBytes(device, out.buffer, out.offset, out.byteSize));
}

// Compiling the tiny DiT's pipelines takes lavapipe tens of seconds of CPU; minutes on a loaded machine.
test('a window made chunk by chunk through the KV cache equals one forward with the causal-by-chunk mask', { timeout: 900_000 }, async () => {
  expect(frames).toBeGreaterThanOrEqual(2);
  const model = dit();
  const whole = await velocity(model, inputsFor(0, frames), { chunkFrames: 1 });
  const unmasked = await velocity(model, inputsFor(0, frames));
  const tokensPerFrame = (height / 2) * (width / 2);
  const cache = new KvCache(device, config.dit.num_layers, frames * tokensPerFrame, config.dit.dim, 'f32');
  try {
    for (let f = 0; f < frames; f++) {
      const chunk = await velocity(model, inputsFor(f, 1), { cache, startFrame: f });
      // Same arithmetic in another grouping of keys into tiles: f32 rounding only.
      expectClose(chunk, frameSlice(whole, config.dit.out_channels, f, 1), { atol: 1e-5, rtol: 1e-4 }, `chunk ${f}`);
    }
    // The first chunk sees no later frame: without the mask, frame 0 differs.
    const first = frameSlice(unmasked, config.dit.out_channels, 0, 1);
    const masked = frameSlice(whole, config.dit.out_channels, 0, 1);
    expect(Math.max(...first.map((v, i) => Math.abs(v - masked[i]!)))).toBeGreaterThan(1e-3);
  } finally {
    cache.destroy();
  }
});

test('a chunk past the cache\'s capacity is refused', async () => {
  const cache = new KvCache(device, config.dit.num_layers, 1, config.dit.dim, 'f32');
  await expect(velocity(dit(), inputsFor(0, 1), { cache, startFrame: 1 })).rejects.toThrow(/KV cache of 1 tokens cannot hold/);
  cache.destroy();
});
