// The page's one banner about where the model runs, when that is worth saying: no WebGPU, only a
// software adapter, or a lost device. Pure, so it is unit-tested in Node.
import type { BackendChoice, BackendsReport, GpuStatus } from '../../worker/api.ts';

export interface Banner {
  tone: 'warn' | 'error';
  text: string;
}

/** Where a faster run is to be had, for a page that ended up on the CPU. */
export const FASTER_ELSEWHERE =
  'For GPU speed use Chrome or Edge 113+ (Windows, macOS, ChromeOS), Chrome 121+ on Android, Safari 26+, ' +
  'or Firefox 141+ on Windows, with hardware acceleration on; on Linux, enable chrome://flags/#enable-unsafe-webgpu ' +
  '(or start Chrome with --enable-unsafe-webgpu) with a Vulkan driver.';

function onCpu(backends: BackendsReport): string {
  const threads = backends.wasmThreads === 1 ? '1 thread' : `${backends.wasmThreads} threads`;
  return `Zoetrope makes clips on this device's CPU instead (WASM, ${threads}): it works, but far slower than a GPU.`;
}

/**
 * The banner for this GPU status, or null when all is well. `backends` is null while unknown
 * (or from an engine without the WASM backend): then only the GPU's own advice is given.
 */
export function deviceBanner(status: GpuStatus | null, backends: BackendsReport | null, choice: BackendChoice): Banner | null {
  if (!status) return null;
  switch (status.state) {
    case 'lost':
      return { tone: 'warn', text: status.message };
    case 'unavailable':
      // The engine's message already names the browsers and flags that have WebGPU.
      return { tone: 'error', text: backends ? `${status.message} ${onCpu(backends)}` : status.message };
    case 'ready': {
      if (!status.report.adapter.isFallbackAdapter) return null;
      const software = 'Only a software GPU (no hardware acceleration) is available.';
      if (!backends) {
        return { tone: 'warn', text: `${software} It works, but is far too slow for the video model. ${FASTER_ELSEWHERE}` };
      }
      if (choice === 'webgpu') {
        return {
          tone: 'warn',
          text: `${software} You chose WebGPU in "This device", so clips run on this software GPU, far slower than on the CPU (WASM). ${FASTER_ELSEWHERE}`,
        };
      }
      return { tone: 'warn', text: `${software} ${onCpu(backends)} ${FASTER_ELSEWHERE}` };
    }
  }
}
