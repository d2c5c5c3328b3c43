// What the GPU status badge and banner say, from the engine's GpuStatus. Pure, so it is unit-tested.
import { adapterName } from '../gpu/device.ts';
import type { GpuStatus } from '../worker/api.ts';

export interface GpuSummary {
  tone: 'checking' | 'ok' | 'warn' | 'error';
  /** A few words for the badge. */
  label: string;
  /** A sentence or two for the banner; empty when all is well. */
  advice: string;
}

export const CHECKING: GpuSummary = { tone: 'checking', label: 'Checking GPU…', advice: '' };

export function summariseGpu(status: GpuStatus): GpuSummary {
  switch (status.state) {
    case 'unavailable':
      return {
        tone: 'error',
        label: status.code === 'no-webgpu' ? 'No WebGPU' : 'No GPU adapter',
        advice: status.message,
      };
    case 'lost':
      return { tone: 'warn', label: 'GPU lost', advice: status.message };
    case 'ready': {
      const { adapter, features } = status.report;
      const precision = features['shader-f16'] ? 'f16' : 'f32 only';
      if (adapter.isFallbackAdapter) {
        return {
          tone: 'warn',
          label: `${adapterName(adapter)} · ${precision}`,
          advice:
            'Only a software GPU (no hardware acceleration) is available. It works, but is far too slow ' +
            'for the video model; enable hardware acceleration in the browser settings or use a device with a GPU.',
        };
      }
      return { tone: 'ok', label: `${adapterName(adapter)} · ${precision}`, advice: '' };
    }
  }
}
