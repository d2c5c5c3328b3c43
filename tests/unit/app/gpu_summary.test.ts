import { describe, expect, it } from 'vitest';
import { summariseGpu } from '../../../src/app/gpu_summary.ts';
import type { GpuReport } from '../../../src/gpu/device.ts';

function report(isFallbackAdapter: boolean, f16: boolean): GpuReport {
  return {
    adapter: { vendor: 'nvidia', architecture: 'hopper', device: '', description: '', isFallbackAdapter },
    features: { 'shader-f16': f16, 'timestamp-query': true, subgroups: true },
    limits: {
      maxBufferSize: 2 ** 32,
      maxStorageBufferBindingSize: 2 ** 31,
      maxComputeWorkgroupStorageSize: 32768,
      maxComputeInvocationsPerWorkgroup: 1024,
      maxComputeWorkgroupSizeX: 1024,
      maxComputeWorkgroupSizeY: 1024,
      maxComputeWorkgroupSizeZ: 64,
      maxStorageBuffersPerShaderStage: 10,
    },
  };
}

describe('summariseGpu', () => {
  it('is quiet about a hardware adapter and names its precision', () => {
    expect(summariseGpu({ state: 'ready', report: report(false, true) })).toEqual({
      tone: 'ok',
      label: 'nvidia hopper · f16',
      advice: '',
    });
  });

  it('warns about a software adapter', () => {
    const summary = summariseGpu({ state: 'ready', report: report(true, false) });
    expect(summary.tone).toBe('warn');
    expect(summary.label).toBe('nvidia hopper (software) · f32 only');
    expect(summary.advice).toMatch(/software GPU/);
  });

  it('passes the engine’s own advice through when there is no GPU or it was lost', () => {
    expect(summariseGpu({ state: 'unavailable', code: 'no-webgpu', message: 'Use Chrome.' })).toEqual({
      tone: 'error',
      label: 'No WebGPU',
      advice: 'Use Chrome.',
    });
    expect(summariseGpu({ state: 'lost', reason: 'unknown', message: 'Lost.' }).tone).toBe('warn');
  });
});
