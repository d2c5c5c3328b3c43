// Runs the TypeScript text encoder and DiT on the tiny test model in the browser page and returns
// their traced activations, to compare with the PyTorch goldens. The page imports the engine's own modules
// from the Vite dev server; this file runs inside the page (imported there), not in Node.
import { readTensorBytes, uploadF32Tensor } from '../../src/gpu/buffers.ts';
import { openGpu } from '../../src/gpu/device.ts';
import { fromF16Array } from '../../src/gpu/f16.ts';
import { BufferPool } from '../../src/gpu/pool.ts';
import { tensorView } from '../../src/gpu/tensor.ts';
import { parseModelConfig } from '../../src/model/config.ts';
import { Constants } from '../../src/model/constants.ts';
import { Dit } from '../../src/model/dit.ts';
import { GpuWeights } from '../../src/model/gpu_weights.ts';
import { T5Encoder } from '../../src/model/text_encoder.ts';
import { ForwardRecorder, UniformCache, type Trace } from '../../src/model/recorder.ts';
import { SafetensorsFile, WeightSet } from '../../src/model/weights.ts';
import { downloadModel } from '../../src/store/download.ts';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const upload = (device: GPUDevice, data: Float32Array, shape: number[]) => uploadF32Tensor(device, data, shape, 'input');

/** The tiny test model loaded the way the engine loads models: manifest, files, sizes and sha256 checked. */
async function tinyModel(part: 'dit' | 'text_encoder') {
  const { info, files } = await downloadModel('/models/tiny-test/manifest.json', async () => {});
  const weights = new WeightSet([SafetensorsFile.parse(files.get(`${part}.safetensors`)!, part)]);
  const golden = SafetensorsFile.parse(await fetchBytes(`/tests/fixtures/goldens/${part}.safetensors`), 'goldens');
  return { config: parseModelConfig(info.config), weights, golden };
}

async function readTraces(device: GPUDevice, traced: Trace): Promise<Record<string, number[]>> {
  const traces: Record<string, number[]> = {};
  for (const [name, tensor] of traced) {
    const bytes = await readTensorBytes(device, tensor.buffer, 0, tensor.byteSize);
    traces[name] = Array.from(tensor.dtype === 'f32' ? new Float32Array(bytes) : fromF16Array(new Uint16Array(bytes)));
  }
  return traces;
}

/** The text encoder on the golden prompt's ids, with every traced tensor read back. */
export async function runTextEncoderGolden(): Promise<Record<string, number[]>> {
  const { config, weights, golden } = await tinyModel('text_encoder');
  const { device } = await openGpu();
  const ids = golden.f32('input.ids'); // I32 in the file; exact as f32 for small ids
  const length = golden.f32('input.mask').reduce((sum, m) => sum + m, 0);
  const idsBuffer = device.createBuffer({ size: ids.length * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(idsBuffer, 0, Uint32Array.from(ids));
  const encoder = new T5Encoder(config.text_encoder, new GpuWeights(device, weights), weights, 'f32', new Constants(device));
  const traced: Trace = new Map();
  const r = new ForwardRecorder(device, new BufferPool(device), new UniformCache(device), undefined, traced);
  // The ids are u32; the tensor's dtype only sizes the binding (4-byte elements).
  encoder.encode(r, tensorView(idsBuffer, [ids.length], 'f32'), length);
  r.submit();
  const traces = await readTraces(device, traced);
  device.destroy();
  return traces;
}

export interface TracedRun {
  traces: Record<string, number[]>;
  /** Pool figures after the first and the second forward pass, to show memory stays flat. */
  pool: { liveAfterFirst: number; heldAfterFirst: number; liveAfterSecond: number; heldAfterSecond: number };
}

/** The tiny DiT set up on the golden inputs; `step` records, submits and awaits one forward. */
async function ditOnGoldenInputs() {
  const { config, weights, golden } = await tinyModel('dit');
  const input = (name: string) => ({ data: golden.f32(name), shape: golden.info(name).shape });

  const { device } = await openGpu();
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
  const dit = new Dit(config.dit, new GpuWeights(device, weights), 'f32', new Constants(device));

  const step = async (traced?: Trace) => {
    const r = new ForwardRecorder(device, pool, uniforms, undefined, traced);
    const text = dit.prepareText(r, context);
    const velocity = dit.forward(r, inputs, text);
    r.free(velocity, ...text.keys, ...text.values);
    r.submit();
    await device.queue.onSubmittedWorkDone();
  };
  return { device, pool, step, golden };
}

/** The DiT forward on the golden inputs, with every traced tensor read back. */
export async function runDitGolden(): Promise<TracedRun> {
  const { device, pool, step } = await ditOnGoldenInputs();
  const traced: Trace = new Map();
  await step(traced);
  const first = pool.stats();
  await step();
  const second = pool.stats();

  const traces = await readTraces(device, traced);
  device.destroy();
  return {
    traces,
    pool: { liveAfterFirst: first.liveBytes, heldAfterFirst: first.heldBytes, liveAfterSecond: second.liveBytes, heldAfterSecond: second.heldBytes },
  };
}

/**
 * Median time of one DiT forward (text embedding and cross-attention K/V included, as in the ONNX
 * graph) on the golden inputs, and the largest difference of its output from the golden: the
 * benchmark's "ours" beside the onnxruntime-web peers running the same graph on the same inputs.
 */
export async function timeDitGolden(runs = 5): Promise<{ ms: number; maxAbsDiff: number }> {
  const { device, step, golden } = await ditOnGoldenInputs();
  const traced: Trace = new Map();
  await step(traced); // warm-up: pipelines compile, weights upload
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await step();
    times.push(performance.now() - start);
  }
  const output = (await readTraces(device, traced)).output!;
  const expected = golden.f32('output');
  const maxAbsDiff = output.reduce((worst, v, i) => Math.max(worst, Math.abs(v - expected[i]!)), 0);
  device.destroy();
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)]!, maxAbsDiff };
}
