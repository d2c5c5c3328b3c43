// Which backend a clip runs on. Pure functions of what the browser offers, so the rule is
// unit-tested in Node (tests/unit/worker/backend_choice.test.ts).
//
// 'auto' prefers our WGSL engine on a real GPU. A software adapter (isFallbackAdapter, e.g.
// SwiftShader) runs WebGPU on the CPU through an emulation layer, far slower than ORT-web's WASM EP
// on the same cores (DESIGN.md: 150–300× on 2 cores), so there, and without WebGPU, 'auto' is WASM.
import { adapterName } from '../gpu/device.ts';
import type { Backend, BackendChoice, BackendsReport, GpuStatus } from './api.ts';
import { EngineError } from './errors.ts';

function cpuName(threads: number): string {
  return `the CPU (WASM, ${threads} thread${threads === 1 ? '' : 's'}${threads === 1 ? ', as the page is not cross-origin isolated' : ''})`;
}

/** The backends that can run, what 'auto' picks, and why. */
export function describeBackends(gpu: GpuStatus, wasmThreads: number): BackendsReport {
  const cpu = cpuName(wasmThreads);
  if (gpu.state !== 'ready') {
    const why =
      gpu.state === 'lost'
        ? 'The GPU device was lost'
        : gpu.code === 'no-webgpu'
          ? 'This browser has no WebGPU'
          : gpu.code === 'no-adapter'
            ? 'WebGPU offers no GPU adapter here'
            : 'The GPU could not be opened';
    return { available: ['wasm'], auto: 'wasm', reason: `${why}, so Zoetrope runs on ${cpu}.`, wasmThreads };
  }
  const { adapter } = gpu.report;
  if (adapter.isFallbackAdapter) {
    const name = [adapter.vendor, adapter.architecture || adapter.device || adapter.description].filter(Boolean).join(' ') || 'unknown';
    return {
      available: ['webgpu', 'wasm'],
      auto: 'wasm',
      reason: `This browser's only WebGPU adapter is a software fallback (${name}); ${cpu} is faster here.`,
      wasmThreads,
    };
  }
  return {
    available: ['webgpu', 'wasm'],
    auto: 'webgpu',
    reason: `The GPU (${adapterName(adapter)}) runs the model with WebGPU.`,
    wasmThreads,
  };
}

/** The backend a request runs on; a request for WebGPU where there is none fails with the GPU's own advice. */
export function chooseBackend(requested: BackendChoice | undefined, gpu: GpuStatus, wasmThreads: number): Backend {
  const choice = requested ?? 'auto';
  if (choice === 'wasm') return 'wasm';
  if (choice === 'auto') return describeBackends(gpu, wasmThreads).auto;
  if (gpu.state === 'ready') return 'webgpu';
  if (gpu.state === 'lost') throw new EngineError('device-lost', gpu.message);
  throw new EngineError(gpu.code, `The WebGPU backend was asked for, but it cannot run here. ${gpu.message} Or choose the CPU (WASM) backend.`);
}
