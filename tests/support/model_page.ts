// Runs the TypeScript DiT on the tiny test model in the browser page and returns its traced
// activations, to compare with the PyTorch goldens. The page imports the engine's own modules
// from the Vite dev server; this file runs inside the page (imported there), not in Node.
import { readTensorBytes } from '../../src/gpu/buffers.ts';
import { openGpu } from '../../src/gpu/device.ts';
import { BufferPool } from '../../src/gpu/pool.ts';
import { tensorView, type Tensor } from '../../src/gpu/tensor.ts';
import { parseModelConfig } from '../../src/model/config.ts';
import { Dit } from '../../src/model/dit.ts';
import { GpuWeights } from '../../src/model/gpu_weights.ts';
import { ForwardRecorder, UniformCache, type Trace } from '../../src/model/recorder.ts';
import { SafetensorsFile, WeightSet } from '../../src/model/weights.ts';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function upload(device: GPUDevice, data: Float32Array, shape: number[]): Tensor {
  const buffer = device.createBuffer({ size: Math.max(16, data.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
  device.queue.writeBuffer(buffer, 0, new Float32Array(data));
  return tensorView(buffer, shape, 'f32');
}

export interface TracedRun {
  traces: Record<string, number[]>;
  /** Pool figures after the first and the second forward pass, to show memory stays flat. */
  pool: { liveAfterFirst: number; heldAfterFirst: number; liveAfterSecond: number; heldAfterSecond: number };
}

/** The DiT forward on the golden inputs, with every traced tensor read back. */
export async function runDitGolden(): Promise<TracedRun> {
  const manifest = await (await fetch('/models/tiny-test/manifest.json')).json();
  const config = parseModelConfig(manifest.config);
  const weights = new WeightSet([SafetensorsFile.parse(await fetchBytes('/models/tiny-test/dit.safetensors'), 'dit')]);
  const golden = SafetensorsFile.parse(await fetchBytes('/tests/fixtures/goldens/dit.safetensors'), 'goldens');
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
  const dit = new Dit(config.dit, new GpuWeights(device, weights), 'f32');

  const step = async (traced?: Trace) => {
    const r = new ForwardRecorder(device, pool, uniforms, undefined, traced);
    const text = dit.prepareText(r, context);
    const velocity = dit.forward(r, inputs, text);
    r.free(velocity, ...text.keys, ...text.values);
    r.submit();
    await device.queue.onSubmittedWorkDone();
  };
  const traced: Trace = new Map();
  await step(traced);
  const first = pool.stats();
  await step();
  const second = pool.stats();

  const traces: Record<string, number[]> = {};
  for (const [name, tensor] of traced) {
    traces[name] = Array.from(new Float32Array(await readTensorBytes(device, tensor.buffer, 0, tensor.byteSize)));
  }
  device.destroy();
  return {
    traces,
    pool: { liveAfterFirst: first.liveBytes, heldAfterFirst: first.heldBytes, liveAfterSecond: second.liveBytes, heldAfterSecond: second.heldBytes },
  };
}
