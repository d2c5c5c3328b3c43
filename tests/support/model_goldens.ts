// The tiny model's text encoder and DiT on the golden inputs, with traced activations read back:
// shared by the browser tests (tests/support/model_page.ts) and the Node + Dawn tests
// (tests/gpu-node/model_golden.test.ts). Imports nothing environment-specific.
import { readTensorBytes, uploadF32Tensor } from '../../src/gpu/buffers.ts';
import { fromF16Array } from '../../src/gpu/f16.ts';
import { BufferPool } from '../../src/gpu/pool.ts';
import type { KernelProfiler, ProfileReport } from '../../src/gpu/profiler.ts';
import { tensorView, type DType } from '../../src/gpu/tensor.ts';
import type { ModelConfig } from '../../src/model/config.ts';
import { Constants } from '../../src/model/constants.ts';
import { Dit } from '../../src/model/dit.ts';
import { GpuWeights } from '../../src/model/gpu_weights.ts';
import { ForwardRecorder, UniformCache, type Trace } from '../../src/model/recorder.ts';
import { T5Encoder } from '../../src/model/text_encoder.ts';
import type { SafetensorsFile, WeightSet } from '../../src/model/weights.ts';

export interface GoldenSetup {
  config: ModelConfig;
  weights: WeightSet;
  golden: SafetensorsFile;
  /** A binding limit below the weights' size, to exercise weights split into row blocks. */
  maxBindingBytes?: number;
}

const upload = (device: GPUDevice, data: Float32Array, shape: number[]) => uploadF32Tensor(device, data, shape, 'input');

export async function readTraces(device: GPUDevice, traced: Trace): Promise<Record<string, number[]>> {
  const traces: Record<string, number[]> = {};
  for (const [name, tensor] of traced) {
    const bytes = await readTensorBytes(device, tensor.buffer, 0, tensor.byteSize);
    traces[name] = Array.from(tensor.dtype === 'f32' ? new Float32Array(bytes) : fromF16Array(new Uint16Array(bytes)));
  }
  return traces;
}

/** The text encoder on the golden prompt's ids; every traced tensor read back. */
export async function textEncoderOnGoldens(device: GPUDevice, { config, weights, golden, maxBindingBytes }: GoldenSetup, dtype: DType) {
  const ids = golden.f32('input.ids'); // I32 in the file; exact as f32 for small ids
  const length = golden.f32('input.mask').reduce((sum, m) => sum + m, 0);
  const idsBuffer = device.createBuffer({ size: ids.length * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(idsBuffer, 0, Uint32Array.from(ids));
  const encoder = new T5Encoder(config.text_encoder, new GpuWeights(device, weights, maxBindingBytes), weights, dtype, new Constants(device));
  const traced: Trace = new Map();
  const r = new ForwardRecorder(device, new BufferPool(device), new UniformCache(device), undefined, traced);
  // The ids are u32; the tensor's dtype only sizes the binding (4-byte elements).
  r.free(encoder.encode(r, tensorView(idsBuffer, [ids.length], 'f32'), length));
  r.submit();
  return readTraces(device, traced);
}

/** The tiny DiT set up on the golden inputs; `step` records, submits and awaits one forward. */
export function ditOnGoldens(device: GPUDevice, { config, weights, golden, maxBindingBytes }: GoldenSetup, dtype: DType, profiler?: KernelProfiler) {
  const input = (name: string) => ({ data: golden.f32(name), shape: golden.info(name).shape });
  const x = input('input.x');
  const clean = input('input.clean');
  const mask = input('input.mask');
  const [channels, frames, height, width] = x.shape as [number, number, number, number];
  // The given latents enter multiplied by the mask (zero on generated frames), as the sampler gives them.
  const plane = frames * height * width;
  const cleanMasked = clean.data.map((v, i) => v * mask.data[i % plane]!);
  const inputs = {
    x: upload(device, x.data, x.shape),
    cleanMasked: upload(device, cleanMasked, [channels, frames, height, width]),
    mask: upload(device, mask.data, mask.shape),
    t: upload(device, input('input.t').data, [1]),
  };
  const context = upload(device, input('input.context').data, input('input.context').shape);
  const pool = new BufferPool(device);
  const uniforms = new UniformCache(device);
  const dit = new Dit(config.dit, new GpuWeights(device, weights, maxBindingBytes), dtype, new Constants(device));
  /** One forward; with a profiler, resolves with its per-kernel report. */
  const step = async (traced?: Trace): Promise<ProfileReport | undefined> => {
    const r = new ForwardRecorder(device, pool, uniforms, profiler, traced);
    const text = dit.prepareText(r, context);
    const velocity = dit.forward(r, inputs, text);
    r.free(velocity, ...text.keys, ...text.values);
    r.submit();
    await device.queue.onSubmittedWorkDone();
    return profiler?.read();
  };
  return { pool, step };
}
