// umT5-XXL's encoder block at its real widths (dim 4096, 64 heads, gated FFN 10240) from the twin's
// published-format .pth (models/wan/make_twins.py, bf16), loaded through the checkpoint reader,
// the manifest check and src/model/umt5.ts, run on Dawn + lavapipe against the PyTorch goldens:
// with f32 weights (the engine's arithmetic) and with int8 weights × f16 activations (as it ships).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BufferPool } from '../../src/gpu/pool.ts';
import { PthFile } from '../../src/model/checkpoint/pth.ts';
import type { TextEncoderConfig } from '../../src/model/config.ts';
import { Constants } from '../../src/model/constants.ts';
import { ForwardRecorder, UniformCache, type Trace } from '../../src/model/recorder.ts';
import { Umt5Encoder, type Umt5Options } from '../../src/model/umt5.ts';
import { closeNodeGpu, nodeGpu } from '../support/dawn.ts';
import { readTraces } from '../support/model_goldens.ts';
import { twinFile, twinGoldens, wanManifest, wanTwin } from '../unit/support/wan_twins.ts';
import { expectClose, relativeError } from './helpers.ts';

const twin = wanTwin('umt5');
const golden = twinGoldens(twin);
const ids = golden.f32('input.ids');
const length = golden.f32('input.mask').reduce((sum, m) => sum + m, 0);

let device: GPUDevice;
beforeAll(async () => {
  device = (await nodeGpu()).device;
});
afterAll(closeNodeGpu);

async function run(options: Umt5Options): Promise<Record<string, number[]>> {
  const file = twin.files[0]!;
  const set = (await PthFile.open(await twinFile(twin, file), file)).stateDict();
  const config = twin.config as unknown as TextEncoderConfig;
  const umt5 = await Umt5Encoder.load(device, set, wanManifest(twin.manifest), config, new Constants(device), {
    ...options,
    reduction: { layers: twin.layers ?? undefined, shapes: twin.shapes },
  });
  try {
    const traced: Trace = new Map();
    const r = new ForwardRecorder(device, new BufferPool(device), new UniformCache(device), undefined, traced);
    r.free(umt5.encode(r, await umt5.embed(ids), length));
    r.submit();
    return await readTraces(device, traced);
  } finally {
    umt5.destroy();
  }
}


// Seconds of CPU each (reading 390 MB of bf16, converting, quantizing); minutes on a loaded machine.
const SLOW = { timeout: 900_000 };

describe('umT5 twin block on the GPU', () => {
  test('f32 weights: the token rows read from the .pth, the block and the final norm match the goldens', SLOW, async () => {
    const traces = await run({ dtype: 'f32', linearWeights: 'float' });
    expectClose(traces.token_embedding!, golden.f32('token_embedding'), { atol: 0, rtol: 0 }, 'token_embedding');
    // 4096- and 10240-term f32 sums in another order than PyTorch's; activations of order 1–10.
    expectClose(traces['blocks.0']!, golden.f32('blocks.0'), { atol: 1e-4, rtol: 1e-4 }, 'blocks.0');
    expectClose(traces.output!, golden.f32('output'), { atol: 1e-4, rtol: 1e-4 }, 'output');
  });

  test('int8 weights × f16 activations: within the quantization error of the goldens', SLOW, async () => {
    const traces = await run({ dtype: 'f16', linearWeights: 'int8' });
    for (const name of ['blocks.0', 'output']) {
      const error = relativeError(traces[name]!, golden.f32(name));
      console.log(`umT5 int8 × f16 ${name}: relative error ${error.toExponential(2)}`);
      expect(error, name).toBeLessThan(1e-2);
    }
  });
});
