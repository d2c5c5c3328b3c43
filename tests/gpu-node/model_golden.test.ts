// The TypeScript text encoder and DiT on the tiny test model against the PyTorch goldens, in f32
// and in f16 storage, on Dawn + lavapipe (Chromium's SwiftShader has no shader-f16). The browser
// tests (tests/gpu/*_golden.spec.ts) cover f32 there.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KernelProfiler } from '../../src/gpu/profiler.ts';
import type { DType } from '../../src/gpu/tensor.ts';
import { parseModelConfig } from '../../src/model/config.ts';
import { SafetensorsFile, WeightSet } from '../../src/model/weights.ts';
import type { Trace } from '../../src/model/recorder.ts';
import { closeNodeGpu, nodeGpu } from '../support/dawn.ts';
import { ditOnGoldens, readTraces, textEncoderOnGoldens, type GoldenSetup } from '../support/model_goldens.ts';
import { expectDitMatchesGoldens } from './dit_goldens_check.ts';
import { expectClose } from './helpers.ts';

const config = parseModelConfig(JSON.parse(readFileSync('models/tiny-test/manifest.json', 'utf8')).config);
const file = (path: string, label: string) => SafetensorsFile.parse(new Uint8Array(readFileSync(path)), label);
const setup = (part: 'dit' | 'text_encoder'): GoldenSetup => ({
  config,
  weights: new WeightSet([file(`models/tiny-test/${part}.safetensors`, part)]),
  golden: file(`tests/fixtures/goldens/${part}.safetensors`, 'goldens'),
});

// f32: as in the browser. f16: weights are stored in f16 already (the goldens use the same
// f16-rounded weights), so the error is the activations' rounding to f16 at every matmul and
// attention input (2⁻¹¹ relative each), compounded over two blocks; the residual stream is f32.
// Measured worst on lavapipe: DiT 4.3e-4, text encoder 2.1e-3 (its activations are larger).
const TOLERANCE: Record<DType, { atol: number; rtol: number }> = {
  f32: { atol: 2e-4, rtol: 1e-3 },
  f16: { atol: 5e-3, rtol: 5e-3 },
};

let device: GPUDevice;
beforeAll(async () => {
  device = (await nodeGpu()).device;
});
afterAll(closeNodeGpu);

describe.each(['f32', 'f16'] as const)('tiny-test in %s', (dtype) => {
  test('text encoder matches the goldens block by block', async () => {
    const traces = await textEncoderOnGoldens(device, setup('text_encoder'), dtype);
    const golden = setup('text_encoder').golden;
    for (const name of ['token_embedding', 'blocks.0', 'blocks.1', 'output', 'output.padded']) {
      expectClose(traces[name]!, golden.f32(name), TOLERANCE[dtype], `${dtype} ${name}`);
    }
  });

  test('DiT matches the goldens at every traced stage', async () => {
    const compared = await expectDitMatchesGoldens(device, setup('dit'), dtype, TOLERANCE[dtype]);
    expect(compared).toBeGreaterThanOrEqual(12);
  });
});

// Weights larger than a storage binding are uploaded as row blocks (src/model/gpu_weights.ts). A
// 4 KiB limit splits every Linear of the tiny model (and the embedding table) into several blocks;
// the result must not change.
describe('tiny-test with every weight split into row blocks', () => {
  const split = (part: 'dit' | 'text_encoder') => ({ ...setup(part), maxBindingBytes: 4096 });

  test('text encoder', async () => {
    const traces = await textEncoderOnGoldens(device, split('text_encoder'), 'f32');
    expectClose(traces.output!, setup('text_encoder').golden.f32('output'), TOLERANCE.f32, 'split output');
  });

  test('DiT', async () => {
    const { step } = ditOnGoldens(device, split('dit'), 'f16');
    const traced: Trace = new Map();
    await step(traced);
    const traces = await readTraces(device, traced);
    expectClose(traces.output!, setup('dit').golden.f32('output'), TOLERANCE.f16, 'split f16 output');
  });
});

// Per-kernel timing through the recorder (one compute pass per kernel, timestamps resolved in the
// same submission, read after it): the profile of one DiT step names its kernels.
test('a profiled DiT step reports time per kernel, and its result is unchanged', async () => {
  const { step } = ditOnGoldens(device, setup('dit'), 'f32', new KernelProfiler(device));
  const traced: Trace = new Map();
  const report = await step(traced);
  const traces = await readTraces(device, traced);
  expectClose(traces.output!, setup('dit').golden.f32('output'), TOLERANCE.f32, 'profiled output');
  const names = report!.kernels.map((k) => k.name);
  expect(names).toEqual(expect.arrayContaining(['matmul', 'attention', 'norm.rms_norm', 'rope.rope', 'patchify.patchify_concat']));
  expect(report!.kernels.every((k) => k.count > 0 && k.totalMs >= 0)).toBe(true);
});

// The sampler loop's steady state: a second DiT step on the same shapes creates no pipeline, no
// bind group and no buffer (pipelines, bind groups and uniforms are cached; activations pooled).
test('a second DiT step creates no pipelines, bind groups or buffers', async () => {
  const { step } = ditOnGoldens(device, setup('dit'), 'f16');
  await step();
  const counts = { createComputePipeline: 0, createBindGroup: 0, createBuffer: 0 };
  const originals = new Map<keyof typeof counts, (...args: never[]) => unknown>();
  for (const method of Object.keys(counts) as (keyof typeof counts)[]) {
    const original = (device[method] as (...args: never[]) => unknown).bind(device);
    originals.set(method, original);
    Object.defineProperty(device, method, {
      configurable: true,
      value: (...args: never[]) => {
        counts[method]++;
        return original(...args);
      },
    });
  }
  try {
    await step();
  } finally {
    for (const method of originals.keys()) delete (device as unknown as Record<string, unknown>)[method];
  }
  expect(counts).toEqual({ createComputePipeline: 0, createBindGroup: 0, createBuffer: 0 });
});
