import { describe, expect, it } from 'vitest';
import type { Clip } from '../../../src/worker/api.ts';
import { calibrationFrom, calibrationRequest, estimateSeconds, formatDuration, smallestBucket } from '../../../src/app/device/speed.ts';
import { deviceBanner, FASTER_ELSEWHERE } from '../../../src/app/device/backend_advice.ts';
import type { GpuReport } from '../../../src/gpu/device.ts';

const buckets = { '1:1': [64, 64], '16:9': [64, 112], '9:16': [112, 64] } as const;

function clip(overrides: Partial<Clip>): Clip {
  return {
    mp4: new Blob(),
    codec: 'avc1.42001f',
    width: 64,
    height: 64,
    fps: 8,
    frameCount: 8,
    elapsedMs: 5000,
    backend: 'wasm',
    ...overrides,
  };
}

describe('speed estimate', () => {
  it('calibrates at the bucket with the fewest pixels, for one second', () => {
    const bucket = smallestBucket({ ...buckets } as never)!;
    expect(bucket).toEqual({ aspect: '1:1', height: 64, width: 64 });
    expect(calibrationRequest(bucket, 'wasm')).toMatchObject({ durationSeconds: 1, aspect: '1:1', shortSide: 64, backend: 'wasm' });
    expect(smallestBucket({})).toBeNull();
  });

  it('leaves one-time setup out of the compute per second of video', () => {
    const bucket = { aspect: '1:1', height: 64, width: 64 } as const;
    const timings = { setup: 3000, text: 100, denoise: 1500, decode: 300, encode: 100 };
    const calibration = calibrationFrom(clip({ elapsedMs: 5000, timings }), bucket)!;
    expect(calibration.secondsPerVideoSecond).toBeCloseTo(2.0, 10); // (5000 − 3000) ms for 8 frames at 8 fps
    expect(calibration.backend).toBe('wasm');
    // A clip that does not say its backend gives no figure rather than a wrong one.
    expect(calibrationFrom(clip({ backend: undefined }), bucket)).toBeNull();
  });

  it('scales with duration and pixel count', () => {
    const calibration = { backend: 'webgpu', bucket: { aspect: '1:1', height: 64, width: 64 }, secondsPerVideoSecond: 2 } as const;
    expect(estimateSeconds(calibration, 1, 64, 64)).toBeCloseTo(2, 10);
    expect(estimateSeconds(calibration, 4, 64, 112)).toBeCloseTo(2 * 4 * (112 / 64), 10);
  });

  it('formats durations for people', () => {
    expect(formatDuration(0.42)).toBe('0.4 s');
    expect(formatDuration(45.2)).toBe('45 s');
    expect(formatDuration(119.6)).toBe('2 min');
    expect(formatDuration(200)).toBe('3 min 20 s');
  });
});

describe('device banner', () => {
  const report = (isFallbackAdapter: boolean): GpuReport =>
    ({ adapter: { vendor: 'v', architecture: 'a', device: '', description: '', isFallbackAdapter }, features: {}, limits: {} }) as unknown as GpuReport;
  const backends = { available: ['wasm', 'webgpu'] as ('wasm' | 'webgpu')[], auto: 'wasm' as const, reason: 'software adapter', wasmThreads: 2 };

  it('says nothing on a hardware GPU', () => {
    expect(deviceBanner({ state: 'ready', report: report(false) }, backends, 'auto')).toBeNull();
    expect(deviceBanner(null, backends, 'auto')).toBeNull();
  });

  it('on a software adapter, says the CPU runs the model and what would be faster', () => {
    const banner = deviceBanner({ state: 'ready', report: report(true) }, backends, 'auto')!;
    expect(banner.tone).toBe('warn');
    expect(banner.text).toContain('software GPU');
    expect(banner.text).toContain('CPU instead (WASM, 2 threads)');
    expect(banner.text).toContain(FASTER_ELSEWHERE);
    expect(banner.text).toContain('chrome://flags/#enable-unsafe-webgpu');
  });

  it('when WebGPU is forced on a software adapter, says so instead of claiming the CPU runs it', () => {
    const banner = deviceBanner({ state: 'ready', report: report(true) }, backends, 'webgpu')!;
    expect(banner.text).toContain('You chose WebGPU');
    expect(banner.text).not.toContain('CPU instead');
  });

  it('without WebGPU, keeps the engine message (browsers and flags) and adds the CPU fallback', () => {
    const status = { state: 'unavailable', code: 'no-webgpu', message: 'This browser does not expose WebGPU.' } as const;
    const banner = deviceBanner(status, { ...backends, available: ['wasm'], wasmThreads: 1 }, 'auto')!;
    expect(banner.tone).toBe('error');
    expect(banner.text).toBe('This browser does not expose WebGPU. Zoetrope makes clips on this device\'s CPU instead (WASM, 1 thread): it works, but far slower than a GPU.');
    // An engine that cannot describe its backends: the GPU's own advice only.
    expect(deviceBanner(status, null, 'auto')!.text).toBe(status.message);
  });
});
