// src/gpu/pool.ts on a real device: the byte accounting, reuse of the very same GPUBuffer, and
// flat memory over repeated identical steps that run real kernels on pooled tensors.
import { describe, expect, test } from 'vitest';
import { dispatchKernel } from '../../src/gpu/kernel.ts';
import { geluTanhKernel, siluKernel } from '../../src/gpu/ops/activations.ts';
import { BufferPool, sizeClass } from '../../src/gpu/pool.ts';
import { geluTanh, silu } from '../../src/gpu/reference/activations.ts';
import { binding, type Tensor } from '../../src/gpu/tensor.ts';
import { nodeGpu } from '../support/dawn.ts';
import { expectClose, randomValues } from './helpers.ts';

describe('sizeClass', () => {
  test('rounds up to 2^k·{1, 1.25, 1.5, 1.75}, at least 256 bytes', () => {
    expect([0, 1, 256, 257, 320, 321, 1000, 1024, 1025, 4096 * 3].map(sizeClass)).toEqual([
      256, 256, 256, 320, 320, 384, 1024, 1024, 1280, 12288,
    ]);
  });

  test('wastes at most 25% above 256 bytes', () => {
    for (let bytes = 257; bytes < 1 << 20; bytes = Math.ceil(bytes * 1.37)) {
      expect(sizeClass(bytes)).toBeGreaterThanOrEqual(bytes);
      expect(sizeClass(bytes) / bytes).toBeLessThanOrEqual(1.25);
    }
  });
});

describe('BufferPool', () => {
  test('counts live and held bytes and hands a released buffer out again', async () => {
    const { device } = await nodeGpu();
    const pool = new BufferPool(device, 'test');
    const a = pool.acquire(1000); // class 1024
    const b = pool.acquire(5000); // class 5120
    expect([a.size, b.size]).toEqual([1024, 5120]);
    expect(pool.stats()).toMatchObject({ liveBytes: 6144, heldBytes: 6144, buffers: 2, created: 2, reused: 0 });

    pool.release(a);
    expect(pool.stats()).toMatchObject({ liveBytes: 5120, heldBytes: 6144, buffers: 2 });

    // A nearby size in the same class gets the very same buffer object back, not a new one.
    const again = pool.acquire(1020);
    expect(again).toBe(a);
    expect(pool.stats()).toMatchObject({ liveBytes: 6144, heldBytes: 6144, created: 2, reused: 1 });

    expect(() => pool.release(b)).not.toThrow();
    expect(() => pool.release(b)).toThrow(/not live/);

    pool.trim(); // frees b, which nobody holds
    expect(pool.stats()).toMatchObject({ liveBytes: 1024, heldBytes: 1024, buffers: 1 });
    pool.destroy();
    expect(pool.stats()).toMatchObject({ liveBytes: 0, heldBytes: 0, buffers: 0 });
    expect(() => pool.acquire(4)).toThrow(/destroyed/);
  });

  test('tensors: the buffer is big enough, and releasing the tensor releases its buffer', async () => {
    const { device } = await nodeGpu();
    const pool = new BufferPool(device, 'test');
    const t = pool.acquireTensor([3, 7, 5], 'f16'); // 210 bytes
    expect(t).toMatchObject({ shape: [3, 7, 5], dtype: 'f16', offset: 0, byteSize: 210 });
    expect(t.buffer.size).toBe(256);
    expect(binding(t)).toMatchObject({ offset: 0, size: 212 }); // storage bindings are 4-byte multiples
    pool.release(t);
    expect(pool.stats().liveBytes).toBe(0);
    pool.destroy();
  });

  test('memory stays flat over repeated identical steps of real kernels', async () => {
    const { device } = await nodeGpu();
    const pool = new BufferPool(device, 'steps');
    const length = 3000;
    const input = Float32Array.from(randomValues(length, 7, -4, 4));

    // One "step": x → silu → h → gelu → y, in one command encoder, h released as soon as its
    // last reader is recorded (so the next step's first activation can take its buffer).
    const step = (x: Tensor): Tensor => {
      const params = { length, precision: 'f32' as const };
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      const h = pool.acquireTensor([length], 'f32');
      dispatchKernel(device, pass, siluKernel, params, { x: binding(x), y: binding(h) });
      const y = pool.acquireTensor([length], 'f32');
      dispatchKernel(device, pass, geluTanhKernel, params, { x: binding(h), y: binding(y) });
      pool.release(h);
      pass.end();
      device.queue.submit([encoder.finish()]);
      return y;
    };

    let x = pool.acquireTensor([length], 'f32');
    device.queue.writeBuffer(x.buffer, 0, input);
    const warm = () => {
      const y = step(x);
      pool.release(x); // the previous step's output, now consumed
      x = y;
    };
    warm();
    const afterFirst = pool.stats();
    for (let i = 0; i < 20; i++) warm();
    const afterMany = pool.stats();

    expect(afterMany.created).toBe(afterFirst.created);
    expect(afterMany.heldBytes).toBe(afterFirst.heldBytes);
    expect(afterMany.liveBytes).toBe(afterFirst.liveBytes);
    expect(afterMany.peakLiveBytes).toBe(afterFirst.peakLiveBytes);
    expect(afterMany.reused).toBeGreaterThanOrEqual(40);

    // The pooled buffers really carried the data: 21 steps of gelu(silu(·)) on the input.
    let expected: ArrayLike<number> = input;
    for (let i = 0; i < 21; i++) expected = geluTanh(silu(expected));
    const staging = device.createBuffer({ size: x.byteSize, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(x.buffer, 0, staging, 0, x.byteSize);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    expectClose(new Float32Array(staging.getMappedRange().slice(0)), expected, { atol: 1e-5, rtol: 1e-4 });
    staging.destroy();

    pool.release(x);
    expect(pool.stats().liveBytes).toBe(0);
    pool.destroy();
  });
});
