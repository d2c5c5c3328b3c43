import { describe, expect, it } from 'vitest';
import type { GpuReport } from '../../../src/gpu/device.ts';
import type { GpuStatus } from '../../../src/worker/api.ts';
import { chooseBackend, describeBackends } from '../../../src/worker/backend_choice.ts';
import { isEngineError } from '../../../src/worker/errors.ts';
import { validateGenerate } from '../../../src/worker/validate.ts';

function ready(adapter: Partial<GpuReport['adapter']>): GpuStatus {
  const report = {
    adapter: { vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, ...adapter },
    features: { 'shader-f16': false, 'timestamp-query': false, subgroups: false },
    limits: {} as GpuReport['limits'],
  };
  return { state: 'ready', report };
}

const swiftShader = ready({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true });
const nvidia = ready({ vendor: 'nvidia', architecture: 'ampere' });
const noWebGpu: GpuStatus = { state: 'unavailable', code: 'no-webgpu', message: 'This browser does not expose WebGPU.' };
const noAdapter: GpuStatus = { state: 'unavailable', code: 'no-adapter', message: 'WebGPU is present but no GPU adapter is available.' };

describe('backend choice', () => {
  it("'auto' is WebGPU on a hardware adapter, WASM on a software fallback or without WebGPU", () => {
    expect(chooseBackend('auto', nvidia, 2)).toBe('webgpu');
    expect(chooseBackend(undefined, nvidia, 2)).toBe('webgpu');
    expect(chooseBackend('auto', swiftShader, 2)).toBe('wasm');
    expect(chooseBackend('auto', noWebGpu, 2)).toBe('wasm');
    expect(chooseBackend('auto', noAdapter, 2)).toBe('wasm');
  });

  it('an explicit choice wins where it can run', () => {
    expect(chooseBackend('wasm', nvidia, 2)).toBe('wasm');
    expect(chooseBackend('webgpu', swiftShader, 2)).toBe('webgpu');
    expect(chooseBackend('wasm', noWebGpu, 1)).toBe('wasm');
  });

  it('WebGPU asked for where there is none fails with the GPU error code and its advice', () => {
    let thrown: unknown;
    try {
      chooseBackend('webgpu', noAdapter, 2);
    } catch (error) {
      thrown = error;
    }
    expect(isEngineError(thrown, 'no-adapter')).toBe(true);
    expect((thrown as Error).message).toContain('no GPU adapter is available');
    expect((thrown as Error).message).toContain('CPU (WASM)');
  });

  it('says which backends run, which auto picks and why, in a sentence', () => {
    expect(describeBackends(swiftShader, 2)).toEqual({
      available: ['webgpu', 'wasm'],
      auto: 'wasm',
      reason: "This browser's only WebGPU adapter is a software fallback (google swiftshader); the CPU (WASM, 2 threads) is faster here.",
      wasmThreads: 2,
    });
    expect(describeBackends(nvidia, 4)).toMatchObject({ available: ['webgpu', 'wasm'], auto: 'webgpu', reason: 'The GPU (nvidia ampere) runs the model with WebGPU.' });
    expect(describeBackends(noWebGpu, 1)).toEqual({
      available: ['wasm'],
      auto: 'wasm',
      reason: 'This browser has no WebGPU, so Zoetrope runs on the CPU (WASM, 1 thread, as the page is not cross-origin isolated).',
      wasmThreads: 1,
    });
    expect(describeBackends(noAdapter, 2).reason).toBe('WebGPU offers no GPU adapter here, so Zoetrope runs on the CPU (WASM, 2 threads).');
  });

  it('a request names a backend the engine knows, or none', () => {
    const request = { prompt: 'a red ball', seed: 1, durationSeconds: 1, aspect: '1:1', shortSide: 64 } as const;
    for (const backend of [undefined, 'auto', 'webgpu', 'wasm'] as const) expect(() => validateGenerate({ ...request, backend })).not.toThrow();
    expect(() => validateGenerate({ ...request, backend: 'webgl' as never })).toThrow('The backend must be one of auto, webgpu, wasm (got "webgl").');
  });
});
