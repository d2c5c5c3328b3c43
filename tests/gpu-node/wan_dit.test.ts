// Wan 2.1's DiT at its real widths (dim 1536, 12 heads × 128, FFN 8960, text dim 4096) with one
// block, from the twin's published files (models/wan/make_twins.py): the f32 safetensors and
// Self-Forcing's .pt ('generator_ema', 'model.' names), loaded through the checkpoint readers, the
// manifest check and src/model/wan_dit.ts, run on Dawn + lavapipe against the PyTorch goldens.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { uploadF32Tensor } from '../../src/gpu/buffers.ts';
import { BufferPool } from '../../src/gpu/pool.ts';
import type { DType } from '../../src/gpu/tensor.ts';
import { PthFile } from '../../src/model/checkpoint/pth.ts';
import { openSafetensors } from '../../src/model/checkpoint/safetensors_blob.ts';
import type { BlobTensorSet } from '../../src/model/checkpoint/tensor_set.ts';
import type { DitConfig } from '../../src/model/config.ts';
import { Constants } from '../../src/model/constants.ts';
import { ForwardRecorder, UniformCache, type Trace } from '../../src/model/recorder.ts';
import { loadWanDit } from '../../src/model/wan_dit.ts';
import { closeNodeGpu, nodeGpu } from '../support/dawn.ts';
import { readTraces } from '../support/model_goldens.ts';
import { twinFile, twinGoldens, wanManifest, wanTwin, type Twin } from '../unit/support/wan_twins.ts';
import { expectClose } from './helpers.ts';

// Seconds of CPU each (reading 290 MB, converting, compiling a block's pipelines); minutes on a loaded machine.
const SLOW = { timeout: 900_000 };

let device: GPUDevice;
beforeAll(async () => {
  device = (await nodeGpu()).device;
});
afterAll(closeNodeGpu);

async function open(twin: Twin): Promise<BlobTensorSet> {
  const file = twin.files[0]!;
  if (twin.format === 'pth') return (await PthFile.open(await twinFile(twin, file), file)).stateDict(twin.container ?? undefined);
  return openSafetensors(await twinFile(twin, file), file);
}

/** One forward of the twin on the golden inputs, every traced stage read back. */
async function forward(twin: Twin, dtype: DType, prefix = ''): Promise<Record<string, number[]>> {
  const golden = twinGoldens(wanTwin('dit'));
  const input = (name: string) => uploadF32Tensor(device, golden.f32(name), golden.info(name).shape, name);
  const { dit, weights } = await loadWanDit(device, await open(twin), wanManifest(twin.manifest), twin.config as unknown as DitConfig, new Constants(device), {
    dtype,
    prefix,
    reduction: { layers: twin.layers ?? undefined, shapes: twin.shapes },
  });
  try {
    const traced: Trace = new Map();
    const r = new ForwardRecorder(device, new BufferPool(device), new UniformCache(device), undefined, traced);
    const text = dit.prepareText(r, input('input.context'));
    r.free(dit.forward(r, { x: input('input.x'), t: input('input.t') }, text), ...text.keys, ...text.values);
    r.submit();
    return await readTraces(device, traced);
  } finally {
    dit.destroy();
    weights.destroy();
  }
}

describe('Wan DiT twin on the GPU', () => {
  test('f32 safetensors: every traced stage matches the goldens', SLOW, async () => {
    const golden = twinGoldens(wanTwin('dit'));
    const traces = await forward(wanTwin('dit'), 'f32');
    let compared = 0;
    for (const name of golden.tensors.keys()) {
      if (name.startsWith('input.') || name.startsWith('rope.')) continue;
      // 1536- to 8960-term f32 sums in another order than PyTorch's.
      expectClose(traces[name]!, golden.f32(name), { atol: 2e-4, rtol: 1e-3 }, `f32 ${name}`);
      compared++;
    }
    expect(compared).toBe(9);
  });

  test('Self-Forcing .pt in f16: the velocity matches the goldens', SLOW, async () => {
    const traces = await forward(wanTwin('self-forcing'), 'f16', 'model.');
    // Weights and matmul inputs rounded to f16 (2⁻¹¹ relative each) over one real-width block;
    // measured worst on lavapipe 1.0e-3 absolute (the tiny model's f16 tolerance, as in model_golden).
    expectClose(traces.output!, twinGoldens(wanTwin('self-forcing')).f32('output'), { atol: 5e-3, rtol: 5e-3 }, 'f16 output');
  });
});
