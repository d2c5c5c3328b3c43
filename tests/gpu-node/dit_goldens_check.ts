// One DiT forward on a model's golden inputs (tests/support/model_goldens.ts), every traced stage
// compared with its PyTorch golden: shared by the tiny-test and zoetrope-s golden tests.
import type { DType } from '../../src/gpu/tensor.ts';
import type { Trace } from '../../src/model/recorder.ts';
import { ditOnGoldens, readTraces, type GoldenSetup } from '../support/model_goldens.ts';
import { expectClose, type Tolerance } from './helpers.ts';

/** Compares every traced stage (inputs and RoPE tables aside); returns how many were compared. */
export async function expectDitMatchesGoldens(device: GPUDevice, setup: GoldenSetup, dtype: DType, tolerance: Tolerance): Promise<number> {
  const { step } = ditOnGoldens(device, setup, dtype);
  const traced: Trace = new Map();
  await step(traced);
  const traces = await readTraces(device, traced);
  let compared = 0;
  for (const name of setup.golden.tensors.keys()) {
    if (name.startsWith('input.') || name.startsWith('rope.')) continue;
    expectClose(traces[name]!, setup.golden.f32(name), tolerance, `${dtype} ${name}`);
    compared++;
  }
  return compared;
}
