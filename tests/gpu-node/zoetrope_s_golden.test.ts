// The shipped model, zoetrope-s, against PyTorch goldens made from its own trained weights
// (models/train/export_goldens.py models/zoetrope-s): text encoder and DiT block by block, in f32
// and f16 storage, on Dawn + lavapipe. The tiny-test goldens (model_golden.test.ts) pin the
// engine's arithmetic; these pin that the shipped files, sharded as they ship, load into it whole
// and that trained-scale activations stay within tolerance.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DType } from '../../src/gpu/tensor.ts';
import { parseModelConfig } from '../../src/model/config.ts';
import { SafetensorsFile, WeightSet } from '../../src/model/weights.ts';
import { closeNodeGpu, nodeGpu } from '../support/dawn.ts';
import { textEncoderOnGoldens, type GoldenSetup } from '../support/model_goldens.ts';
import { expectDitMatchesGoldens } from './dit_goldens_check.ts';
import { expectClose } from './helpers.ts';

const MODEL = 'models/zoetrope-s';
const GOLDENS = 'tests/fixtures/goldens/zoetrope-s';
const config = parseModelConfig(JSON.parse(readFileSync(`${MODEL}/manifest.json`, 'utf8')).config);
const file = (path: string, label: string) => SafetensorsFile.parse(new Uint8Array(readFileSync(path)), label);

/** A part's weights as the app reads them: one file, or the shards its index names. */
function partWeights(part: 'dit' | 'text_encoder'): WeightSet {
  let index: { weight_map: Record<string, string> } | undefined;
  try {
    index = JSON.parse(readFileSync(`${MODEL}/${part}.safetensors.index.json`, 'utf8'));
  } catch {
    return new WeightSet([file(`${MODEL}/${part}.safetensors`, part)]);
  }
  const shards = new Map([...new Set(Object.values(index!.weight_map))].map((name) => [name, new Uint8Array(readFileSync(`${MODEL}/${name}`))]));
  return WeightSet.fromIndex(index, shards);
}

const setup = (part: 'dit' | 'text_encoder'): GoldenSetup => ({
  config,
  weights: partWeights(part),
  golden: file(`${GOLDENS}/${part}.safetensors`, 'goldens'),
});

// f32 kernels against PyTorch f32 on the same f16 weights. zoetrope-s sums 256–1024 products per
// output over more blocks than tiny-test, with trained activations of a few units: relative error
// dominates. f16 storage rounds every matmul and attention input (2⁻¹¹ relative), compounded over
// the blocks.
const TOLERANCE: Record<DType, { atol: number; rtol: number }> = {
  f32: { atol: 1e-3, rtol: 2e-3 },
  f16: { atol: 3e-2, rtol: 3e-2 },
};

let device: GPUDevice;
beforeAll(async () => {
  device = (await nodeGpu()).device;
});
afterAll(closeNodeGpu);

// The text encoder runs once per prompt, so f32 only (the f16 path is tiny-test's); the DiT in both.
test('zoetrope-s text encoder in f32 matches the goldens block by block', async () => {
  const { golden } = setup('text_encoder');
  const traces = await textEncoderOnGoldens(device, setup('text_encoder'), 'f32');
  // token embedding, each block, output, output padded
  const names = [...golden.tensors.keys()].filter((n) => !n.startsWith('input.') && n !== 'blocks.0.pos_bias');
  expect(names.length).toBe(config.text_encoder.num_layers + 3);
  for (const name of names) expectClose(traces[name]!, golden.f32(name), TOLERANCE.f32, `f32 ${name}`);
}, 60_000);

describe.each(['f32', 'f16'] as const)('zoetrope-s in %s', (dtype) => {
  test('DiT matches the goldens at every traced stage', async () => {
    const compared = await expectDitMatchesGoldens(device, setup('dit'), dtype, TOLERANCE[dtype]);
    // sinusoid, patch, time, projection, text, head, output; three per block
    expect(compared).toBe(3 * config.dit.num_layers + 7);
  }, 60_000);
});
