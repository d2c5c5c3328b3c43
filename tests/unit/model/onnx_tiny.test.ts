// The tiny model's ONNX graphs (the CPU path) run in onnxruntime-web's WASM EP with their weights
// read from the shipped safetensors as ONNX external data (no second copy), and reproduce the
// PyTorch goldens (models/train/export_goldens.py).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';

const TINY = new URL('../../../models/tiny-test/', import.meta.url);
const GOLDENS = new URL('../../fixtures/goldens/', import.meta.url);

/** Minimal safetensors reader for the golden files (F32 and I32 only): name → typed array. */
function readGoldens(file: string): Map<string, { shape: number[]; data: Float32Array | Int32Array }> {
  const bytes = readFileSync(new URL(file, GOLDENS));
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const start = 8 + headerLength;
  const out = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = info.data_offsets;
    const slice = bytes.buffer.slice(bytes.byteOffset + start + begin, bytes.byteOffset + start + end);
    out.set(name, { shape: info.shape, data: info.dtype === 'I32' ? new Int32Array(slice) : new Float32Array(slice) });
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function session(graph: string, weights: string): Promise<ort.InferenceSession> {
  const model = readFileSync(new URL(graph, TINY));
  const data = readFileSync(new URL(weights, TINY));
  return ort.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    externalData: [{ path: weights, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }],
  });
}

const f32 = (data: Float32Array | Int32Array, dims: number[]) => new ort.Tensor('float32', Float32Array.from(data), dims);
// f32 graph over f16-rounded weights, against PyTorch f32 on the same weights.
const ATOL = 1e-4;
// WASM compile and session creation take a few seconds on a loaded 2-core machine.
const SLOW = 60_000;

describe('tiny-test ONNX graphs with external data (onnxruntime-web, WASM EP)', () => {
  beforeAll(() => {
    ort.env.wasm.numThreads = 1;
  });

  it('the graphs hold no weights: every ONNX file is smaller than its safetensors', () => {
    const size = (f: string) => readFileSync(new URL(f, TINY)).byteLength;
    expect(size('dit.onnx')).toBeLessThan(size('dit.safetensors') / 10);
    expect(size('text_encoder.onnx')).toBeLessThan(size('text_encoder.safetensors') / 10);
  });

  it('DiT forward matches the PyTorch golden', async () => {
    const g = readGoldens('dit.safetensors');
    const get = (n: string) => g.get(n)!;
    const s = await session('dit.onnx', 'dit.safetensors');
    const batch = (n: string) => f32(get(n).data, [1, ...get(n).shape]);
    const out = await s.run({
      x: batch('input.x'),
      clean: batch('input.clean'),
      mask: batch('input.mask'),
      t: f32(get('input.t').data, [1]),
      context: batch('input.context'),
    });
    const v = out.velocity!;
    expect(v.dims).toEqual([1, ...get('output').shape]);
    expect(maxAbsDiff(v.data as Float32Array, get('output').data)).toBeLessThan(ATOL);
    await s.release();
  }, SLOW);

  it('text encoder forward matches the PyTorch golden', async () => {
    const g = readGoldens('text_encoder.safetensors');
    const s = await session('text_encoder.onnx', 'text_encoder.safetensors');
    const i64 = (n: string) => new ort.Tensor('int64', BigInt64Array.from(g.get(n)!.data, (x) => BigInt(x)), [1, g.get(n)!.shape[0]!]);
    const out = await s.run({ ids: i64('input.ids'), mask: i64('input.mask') });
    expect(maxAbsDiff(out.tokens!.data as Float32Array, g.get('output')!.data)).toBeLessThan(ATOL);
    await s.release();
  }, SLOW);

  it('VAE decoder and encoder match the PyTorch goldens', async () => {
    const g = readGoldens('vae.safetensors');
    const get = (n: string) => g.get(n)!;
    const dec = await session('vae_decoder.onnx', 'vae.safetensors');
    const frames = (await dec.run({ latents: f32(get('input.latents').data, [1, ...get('input.latents').shape]) })).frames!;
    expect(maxAbsDiff(frames.data as Float32Array, get('decoder.output').data)).toBeLessThan(ATOL);
    const enc = await session('vae_encoder.onnx', 'vae.safetensors');
    const latents = (await enc.run({ frames: f32(get('decoder.output').data, [1, ...get('decoder.output').shape]) })).latents!;
    expect(maxAbsDiff(latents.data as Float32Array, get('encoder.output').data)).toBeLessThan(ATOL);
    await dec.release();
    await enc.release();
  }, SLOW);
});
