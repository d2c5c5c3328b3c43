// src/gpu/profiler.ts: per-kernel timestamps on lavapipe, which has `timestamp-query`, and the
// no-op profiler a device without it gets.
import { expect, test } from 'vitest';
import { dispatchKernel } from '../../src/gpu/kernel.ts';
import { geluTanhKernel, siluKernel } from '../../src/gpu/ops/activations.ts';
import { KernelProfiler } from '../../src/gpu/profiler.ts';
import { createStorage } from '../../src/gpu/buffers.ts';
import { nodeGpu } from '../support/dawn.ts';

const LENGTH = 1 << 18;

/** One "forward pass": `passes` kernels, each in its own timed compute pass, one submission. */
async function forward(profiler: KernelProfiler, passes: ('silu' | 'gelu')[]) {
  const { device } = await nodeGpu();
  const x = createStorage(device, LENGTH * 4, 'x');
  const y = createStorage(device, LENGTH * 4, 'y');
  const encoder = device.createCommandEncoder();
  for (const name of passes) {
    const pass = encoder.beginComputePass({ label: name, timestampWrites: profiler.timestampWrites(name) });
    dispatchKernel(device, pass, name === 'silu' ? siluKernel : geluTanhKernel, { length: LENGTH, precision: 'f32' }, { x, y });
    pass.end();
  }
  profiler.resolve(encoder);
  device.queue.submit([encoder.finish()]);
  const report = await profiler.read();
  x.destroy();
  y.destroy();
  return report;
}

test('times each kernel of a forward pass with timestamp-query', async () => {
  const { device, report } = await nodeGpu();
  expect(report.features['timestamp-query'], 'this adapter has no timestamp-query').toBe(true);
  const profiler = new KernelProfiler(device, 16);
  expect(profiler.enabled).toBe(true);

  const first = await forward(profiler, ['silu', 'gelu', 'silu']);
  console.log('lavapipe, 2^18 elements f32:', JSON.stringify(first.kernels));
  expect(first.untimedPasses).toBe(0);
  expect(first.kernels.map(({ name, count }) => [name, count])).toEqual([['silu', 2], ['gelu', 1]]);
  for (const { totalMs } of first.kernels) {
    expect(totalMs).toBeGreaterThan(0);
    expect(totalMs).toBeLessThan(10_000);
  }

  // read() started over: the next forward pass reports only its own kernels.
  const second = await forward(profiler, ['gelu']);
  expect(second.kernels.map(({ name, count }) => [name, count])).toEqual([['gelu', 1]]);
  profiler.destroy();
});

test('passes beyond the capacity run untimed and are counted', async () => {
  const { device } = await nodeGpu();
  const profiler = new KernelProfiler(device, 2);
  const report = await forward(profiler, ['silu', 'silu', 'gelu', 'gelu']);
  expect(report.kernels.map(({ count }) => count)).toEqual([2]);
  expect(report.untimedPasses).toBe(2);
  profiler.destroy();
});

test('without timestamp-query (here: profiling off) everything is a no-op', async () => {
  const { device } = await nodeGpu();
  const profiler = new KernelProfiler(device, 16, false);
  expect(profiler.enabled).toBe(false);
  expect(profiler.timestampWrites('silu')).toBeUndefined();
  expect(await forward(profiler, ['silu'])).toEqual({ kernels: [], untimedPasses: 0 });
});
