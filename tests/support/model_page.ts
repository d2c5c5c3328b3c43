// The golden runs (model_goldens.ts) in the browser page, on the tiny test model loaded through
// its manifest. The page imports this file from the Vite dev server; it does not run in Node.
import { openGpu } from '../../src/gpu/device.ts';
import { parseModelConfig } from '../../src/model/config.ts';
import type { Trace } from '../../src/model/recorder.ts';
import { SafetensorsFile, WeightSet } from '../../src/model/weights.ts';
import { ModelStore } from '../../src/store/model_cache.ts';
import { ditOnGoldens, readTraces, textEncoderOnGoldens } from './model_goldens.ts';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The tiny test model loaded the way the engine loads models: through the model store, every file's size and sha256 checked. */
async function tinyModel(part: 'dit' | 'text_encoder') {
  const { info, files } = await (await ModelStore.open()).load(new URL('/models/tiny-test/manifest.json', location.href).href);
  const weights = new WeightSet([SafetensorsFile.parse(files.get(`${part}.safetensors`)!, part)]);
  const golden = SafetensorsFile.parse(await fetchBytes(`/tests/fixtures/goldens/${part}.safetensors`), 'goldens');
  return { config: parseModelConfig(info.config), weights, golden };
}

/** The text encoder on the golden prompt's ids, with every traced tensor read back. */
export async function runTextEncoderGolden(): Promise<Record<string, number[]>> {
  const { device } = await openGpu();
  const traces = await textEncoderOnGoldens(device, await tinyModel('text_encoder'), 'f32');
  device.destroy();
  return traces;
}

async function ditOnGoldenInputs() {
  const setup = await tinyModel('dit');
  const { device } = await openGpu();
  return { device, golden: setup.golden, ...ditOnGoldens(device, setup, 'f32') };
}

export interface TracedRun {
  traces: Record<string, number[]>;
  /** Pool figures after the first and the second forward pass, to show memory stays flat. */
  pool: { liveAfterFirst: number; heldAfterFirst: number; liveAfterSecond: number; heldAfterSecond: number };
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
