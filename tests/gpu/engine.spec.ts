// The engine in the page's own thread and behind the worker boundary: WebGPU bring-up, a real
// compute shader checked against a CPU reference, device loss and recovery, typed errors, cancel.
import { expect, test } from '@playwright/test';
import { geluTanh } from '../../src/gpu/reference/activations.ts';
import { expectClose } from '../support/compare.ts';

type EngineModule = typeof import('../../src/worker/engine.ts');
type ClientModule = typeof import('../../src/worker/client.ts');

// f32 on SwiftShader: GELU is a handful of flops, so the result matches a float64 reference to a
// few ulps of the output; 1e-5 absolute over |x| ≤ 8 leaves room for tanh's implementation.
const GELU_TOLERANCE = 1e-5;

test.beforeEach(async ({ page }) => {
  await page.goto('/tests/gpu/harness.html');
});

test('in-thread engine opens a WebGPU device and reports the adapter, features and raised limits', async ({ page }) => {
  const report = await page.evaluate(async () => {
    const { ZoetropeEngine } = (await import('/src/worker/engine.ts' as string)) as EngineModule;
    const adapter = await navigator.gpu.requestAdapter();
    const status = await new ZoetropeEngine().describeGpu();
    return { status, adapterLimit: adapter!.limits.maxStorageBufferBindingSize };
  });
  expect(report.status.state).toBe('ready');
  if (report.status.state !== 'ready') return;
  const { adapter, features, limits } = report.status.report;
  expect(typeof adapter.isFallbackAdapter).toBe('boolean');
  expect(Object.keys(features).sort()).toEqual(['shader-f16', 'subgroups', 'timestamp-query']);
  // The device asked for the adapter's maximum, not the 128 MiB default.
  expect(limits.maxStorageBufferBindingSize).toBe(report.adapterLimit);
  expect(limits.maxStorageBufferBindingSize).toBeGreaterThan(128 * 1024 * 1024);
});

test('the worker obtains a device and runs a compute shader that matches the CPU reference', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const engine = createEngineClient();
    const status = await engine.describeGpu();
    const check = await engine.checkGpu();
    engine.terminate();
    return { state: status.state, input: Array.from(check.input), output: Array.from(check.output), passed: check.passed };
  });
  expect(result.state).toBe('ready');
  expect(result.input.length).toBe(1000);
  expectClose(result.output, geluTanh(result.input), { atol: GELU_TOLERANCE, rtol: 0 });
  expect(result.passed).toBe(true);
});

test('after the device is lost the engine reports it and works again without a reload', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const engine = createEngineClient();
    await engine.describeGpu();
    const lost = new Promise<{ state: string; reason?: string; message?: string }>((resolve) => {
      void engine.onDeviceLost((status) => resolve(status));
    });
    await engine.loseDeviceForTesting();
    const lostStatus = await lost;
    const again = await engine.describeGpu();
    const check = await engine.checkGpu();
    engine.terminate();
    return { lostStatus, againState: again.state, passed: check.passed };
  });
  expect(result.lostStatus.state).toBe('lost');
  expect(result.lostStatus.reason).toBe('destroyed');
  expect(result.lostStatus.message).toMatch(/sets it up again/);
  expect(result.againState).toBe('ready');
  expect(result.passed).toBe(true);
});

test('typed errors cross the worker boundary with their code and an actionable message', async ({ page }) => {
  const error = await page.evaluate(async () => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const { EngineError } = await import('/src/worker/errors.ts' as string);
    const engine = createEngineClient();
    try {
      await engine.renderTestPattern({ width: 15, height: 64, fps: 8, frameCount: 4, source: 'gpu' });
      return null;
    } catch (e) {
      return { isEngineError: e instanceof EngineError, code: (e as { code?: string }).code, message: (e as Error).message };
    } finally {
      engine.terminate();
    }
  });
  expect(error).toEqual({
    isEngineError: true,
    code: 'bad-request',
    message: 'Width must be a whole number from 16 to 4096 (got 15).',
  });
});

test('cancel stops a running job, which rejects as cancelled, and the engine takes the next job', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const engine = createEngineClient();
    let framesSeen = 0;
    const long = engine.renderTestPattern(
      { width: 64, height: 64, fps: 8, frameCount: 400, source: 'gpu' },
      {
        onFrame: (frame) => {
          frame.close();
          framesSeen += 1;
          if (framesSeen === 3) void engine.cancel();
        },
      },
    );
    const outcome = await long.then(
      () => 'finished',
      (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
    );
    const next = await engine.renderTestPattern({ width: 64, height: 64, fps: 8, frameCount: 4, source: 'cpu' });
    engine.terminate();
    return { outcome, framesSeen, nextFrames: next.frameCount, nextBytes: next.mp4.size };
  });
  expect(result.outcome).toBe('cancelled: Cancelled. Nothing was saved from this run.');
  expect(result.framesSeen).toBeLessThan(400);
  expect(result.nextFrames).toBe(4);
  expect(result.nextBytes).toBeGreaterThan(0);
});

test('callbacks may return anything, even values that cannot be cloned, without breaking the job', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createEngineClient } = (await import('/src/worker/client.ts' as string)) as ClientModule;
    const engine = createEngineClient();
    let progressEvents = 0;
    const clip = await engine.renderTestPattern(
      { width: 32, height: 32, fps: 4, frameCount: 3, source: 'cpu' },
      {
        // A UI framework's state proxy or a function: neither survives structured cloning.
        onProgress: (() => {
          progressEvents += 1;
          return () => progressEvents;
        }) as () => void,
        onFrame: ((frame: VideoFrame) => {
          frame.close();
          return new Proxy({}, {});
        }) as (frame: VideoFrame) => void,
      },
    );
    engine.terminate();
    return { frames: clip.frameCount, progressEvents };
  });
  // Three per-frame events and the final 'done', all delivered before the result.
  expect(result).toEqual({ frames: 3, progressEvents: 4 });
});
