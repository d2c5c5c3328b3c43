import { describe, expect, it } from 'vitest';
import type { GpuReport } from '../../../src/gpu/device.ts';
import { adapterFacts, describeStorage, formatBytes, limitFacts } from '../../../src/app/device/facts.ts';
import { parseBackendChoice, readBackendChoice, saveBackendChoice, BACKEND_STORAGE_KEY } from '../../../src/app/device/backend_choice.ts';

const swiftshader: GpuReport = {
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
  features: { 'shader-f16': false, 'timestamp-query': true, subgroups: false },
  limits: {
    maxBufferSize: 2 ** 31,
    maxStorageBufferBindingSize: 2 ** 27,
    maxComputeWorkgroupStorageSize: 32768,
    maxComputeInvocationsPerWorkgroup: 256,
    maxComputeWorkgroupSizeX: 256,
    maxComputeWorkgroupSizeY: 256,
    maxComputeWorkgroupSizeZ: 64,
    maxStorageBuffersPerShaderStage: 10,
  },
};

describe('device facts', () => {
  it('formats sizes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(32768)).toBe('32.8 kB');
    expect(formatBytes(1_912_345)).toBe('1.9 MB');
    expect(formatBytes(2 ** 31)).toBe('2.1 GB');
    expect(formatBytes(250e9)).toBe('250 GB');
    expect(formatBytes(Number.NaN)).toBe('unknown');
  });

  it('describes a software adapter without f16 as such, and says what is not reported', () => {
    const facts = Object.fromEntries(adapterFacts(swiftshader).map((f) => [f.label, f.value]));
    expect(facts['Vendor']).toBe('google');
    expect(facts['Description']).toBe('not reported');
    expect(facts['Kind']).toContain('software');
    expect(facts['Half precision (f16)']).toMatch(/^no/);
  });

  it('lists the limits that decide which models fit', () => {
    expect(limitFacts(swiftshader)).toEqual([
      { label: 'Largest buffer', value: '2.1 GB' },
      { label: 'Largest storage binding', value: '134 MB' },
      { label: 'Workgroup memory', value: '32.8 kB' },
    ]);
  });

  it('says how much storage is used and whether it is kept', () => {
    expect(describeStorage({ usage: 2_000_000, quota: 10e9, persisted: true })).toBe(
      '2.0 MB of 10.0 GB this site may use; kept even when the device runs low on space.',
    );
    expect(describeStorage({ usage: 0, quota: 1e9, persisted: false })).toContain('may clear it');
  });
});

describe('backend choice', () => {
  it('reads back only known choices, else automatic', () => {
    expect(parseBackendChoice('wasm')).toBe('wasm');
    expect(parseBackendChoice('webgpu')).toBe('webgpu');
    expect(parseBackendChoice('cuda')).toBe('auto');
    expect(parseBackendChoice(null)).toBe('auto');
  });

  it('is remembered', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    saveBackendChoice('wasm', storage);
    expect(map.get(BACKEND_STORAGE_KEY)).toBe('wasm');
    expect(readBackendChoice(storage)).toBe('wasm');
  });
});
