// The FMA throughput microkernel (shaders/fma_peak.wgsl): the adapter's measured peak.
import source from '../../../shaders/fma_peak.wgsl?raw';
import { defineKernel, grid2d } from '../kernel.ts';

export interface PeakParams {
  /** Invocations launched (a multiple of the workgroup size). */
  invocations: number;
  iterations: number;
  workgroupSize?: number;
}

/** vec4 FMA chains per iteration in the shader. */
const CHAINS = 4;

export const fmaPeakKernel = defineKernel({
  name: 'fma_peak',
  code: source,
  entryPoint: 'fma_peak',
  bindings: [['sink', 'storage']] as const,
  overrides: (p: PeakParams) => ({ WORKGROUP_SIZE: p.workgroupSize ?? 256, ITERATIONS: p.iterations }),
  grid: (p: PeakParams) => grid2d(Math.ceil(p.invocations / (p.workgroupSize ?? 256))),
});

/** Flops of one dispatch: an FMA is two flops, four lanes per vec4. */
export function peakFlops(p: PeakParams): number {
  return p.invocations * p.iterations * CHAINS * 4 * 2;
}
