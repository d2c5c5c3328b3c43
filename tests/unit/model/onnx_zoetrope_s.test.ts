// zoetrope-s's ONNX graphs (the WASM backend's path) on onnxruntime-web's WASM EP, their weights
// read from the shipped safetensors (the DiT's two shards) as ONNX external data, against PyTorch
// goldens made from the same trained weights (export_goldens.py models/zoetrope-s).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../../src/model/weights.ts';

const MODEL = 'models/zoetrope-s';
const golden = (part: string) => SafetensorsFile.parse(new Uint8Array(readFileSync(`tests/fixtures/goldens/zoetrope-s/${part}.safetensors`)), part);

/** The files a part's graph reads: its one safetensors, or the shards its index names. */
function weightFiles(part: string): string[] {
  try {
    const index = JSON.parse(readFileSync(`${MODEL}/${part}.safetensors.index.json`, 'utf8')) as { weight_map: Record<string, string> };
    return [...new Set(Object.values(index.weight_map))];
  } catch {
    return [`${part}.safetensors`];
  }
}

async function session(graph: string, part: string): Promise<ort.InferenceSession> {
  const externalData = weightFiles(part).map((path) => ({ path, data: new Uint8Array(readFileSync(`${MODEL}/${path}`)) }));
  return ort.InferenceSession.create(readFileSync(`${MODEL}/${graph}`), { executionProviders: ['wasm'], externalData });
}

/** Largest |a − b| relative to the largest |b|: the graphs sum hundreds of products per output. */
function relativeError(a: ArrayLike<number>, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', Float32Array.from(data), dims);
const batched = (g: SafetensorsFile, name: string) => f32(g.f32(name), [1, ...g.info(name).shape]);
// f32 graphs over the f16 weights, against PyTorch f32 on the same weights: summation order only.
const RELATIVE = 1e-4;
const SLOW = 120_000;

describe('zoetrope-s ONNX graphs with external data (onnxruntime-web, WASM EP)', () => {
  beforeAll(() => {
    ort.env.wasm.numThreads = 1;
  });

  it('DiT forward, weights in two shards, matches the PyTorch golden', async () => {
    expect(weightFiles('dit').length).toBeGreaterThan(1);
    const g = golden('dit');
    const s = await session('dit.onnx', 'dit');
    const out = await s.run({
      x: batched(g, 'input.x'), clean: batched(g, 'input.clean'), mask: batched(g, 'input.mask'),
      t: f32(g.f32('input.t'), [1]), context: batched(g, 'input.context'),
    });
    expect(out.velocity!.dims).toEqual([1, ...g.info('output').shape]);
    expect(relativeError(out.velocity!.data as Float32Array, g.f32('output'))).toBeLessThan(RELATIVE);
    await s.release();
  }, SLOW);

  it('text encoder forward matches the PyTorch golden', async () => {
    const g = golden('text_encoder');
    const s = await session('text_encoder.onnx', 'text_encoder');
    const i64 = (n: string) => new ort.Tensor('int64', BigInt64Array.from(g.f32(n), (x) => BigInt(x)), [1, g.info(n).shape[0]!]);
    const out = await s.run({ ids: i64('input.ids'), mask: i64('input.mask') });
    expect(relativeError(out.tokens!.data as Float32Array, g.f32('output'))).toBeLessThan(RELATIVE);
    await s.release();
  }, SLOW);

  it('VAE decoder and encoder match the PyTorch goldens', async () => {
    const g = golden('vae');
    const dec = await session('vae_decoder.onnx', 'vae');
    const frames = (await dec.run({ latents: batched(g, 'input.latents') })).frames!;
    expect(relativeError(frames.data as Float32Array, g.f32('decoder.output'))).toBeLessThan(RELATIVE);
    const enc = await session('vae_encoder.onnx', 'vae');
    const latents = (await enc.run({ frames: batched(g, 'decoder.output') })).latents!;
    expect(relativeError(latents.data as Float32Array, g.f32('encoder.output'))).toBeLessThan(RELATIVE);
    await dec.release();
    await enc.release();
  }, SLOW);
});
