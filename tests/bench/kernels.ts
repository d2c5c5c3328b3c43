// Benchmark cases that run in the browser page: the adapter's measured FMA peak, then the big
// kernels at the model's real shapes as GFLOP/s and as a share of that peak.
import { openGpu } from '../../src/gpu/device.ts';
import { dispatchKernel } from '../../src/gpu/kernel.ts';
import { attentionFlops, attentionKernel, attentionUniforms, type AttentionParams } from '../../src/gpu/ops/attention.ts';
import { matmulFlops, matmulKernel, matmulUniforms, type MatmulParams } from '../../src/gpu/ops/matmul.ts';
import { fmaPeakKernel, peakFlops } from '../../src/gpu/ops/peak.ts';
import type { Precision } from '../../src/gpu/kernel.ts';
import { timeSubmissions } from './timing.ts';

export interface KernelResult {
  name: string;
  shape: string;
  precision: Precision;
  ms: number;
  gflops: number;
}

function storage(device: GPUDevice, bytes: number): GPUBuffer {
  return device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: GPUBufferUsage.STORAGE });
}

function uniform(device: GPUDevice, words: Uint32Array): GPUBuffer {
  const buffer = device.createBuffer({ size: words.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, Uint32Array.from(words));
  return buffer;
}

export async function measurePeak(device: GPUDevice): Promise<KernelResult> {
  const params = { invocations: 256 * 256, iterations: 512 };
  const sink = storage(device, params.invocations * 4);
  const { ms } = await timeSubmissions(device, (encoder) => {
    const pass = encoder.beginComputePass();
    dispatchKernel(device, pass, fmaPeakKernel, params, { sink });
    pass.end();
  });
  sink.destroy();
  return { name: 'fma peak', shape: `${params.invocations}×${params.iterations}`, precision: 'f32', ms, gflops: peakFlops(params) / ms / 1e6 };
}

export async function measureMatmul(device: GPUDevice, m: number, n: number, k: number, precision: Precision): Promise<KernelResult> {
  const bytes = precision === 'f16' ? 2 : 4;
  const params: MatmulParams = { m, n, k, precision, hasBias: true };
  const buffers = {
    params: uniform(device, matmulUniforms(params)),
    x: storage(device, m * k * bytes),
    w: storage(device, n * k * bytes),
    b: storage(device, n * bytes),
    y: storage(device, m * n * bytes),
  };
  const { ms } = await timeSubmissions(device, (encoder) => {
    const pass = encoder.beginComputePass();
    dispatchKernel(device, pass, matmulKernel, params, buffers);
    pass.end();
  });
  for (const b of Object.values(buffers)) b.destroy();
  return { name: 'matmul', shape: `${m}×${n}×${k}`, precision, ms, gflops: matmulFlops(params) / ms / 1e6 };
}

export async function measureAttention(device: GPUDevice, heads: number, headDim: number, lq: number, lk: number, precision: Precision): Promise<KernelResult> {
  const bytes = precision === 'f16' ? 2 : 4;
  const params: AttentionParams = { heads, headDim, lq, lk, scale: 1 / Math.sqrt(headDim), precision, hasBias: false };
  const buffers = {
    params: uniform(device, attentionUniforms(params)),
    q: storage(device, lq * heads * headDim * bytes),
    k: storage(device, lk * heads * headDim * bytes),
    v: storage(device, lk * heads * headDim * bytes),
    bias: storage(device, 16),
    out: storage(device, lq * heads * headDim * bytes),
  };
  const { ms } = await timeSubmissions(device, (encoder) => {
    const pass = encoder.beginComputePass();
    dispatchKernel(device, pass, attentionKernel, params, buffers);
    pass.end();
  });
  for (const b of Object.values(buffers)) b.destroy();
  return { name: 'attention', shape: `h${heads}×d${headDim}, ${lq}×${lk}`, precision, ms, gflops: attentionFlops(params) / ms / 1e6 };
}

export interface ModelShapes {
  /** Tokens of one DiT forward. */
  tokens: number;
  dim: number;
  ffnDim: number;
  heads: number;
  headDim: number;
  textLen: number;
}

/** The kernels of one DiT block at the model's shapes. */
export async function measureModelKernels(shapes: ModelShapes): Promise<{ adapter: string; features: string[]; results: KernelResult[] }> {
  const { device, report } = await openGpu();
  const precisions: Precision[] = report.features['shader-f16'] ? ['f32', 'f16'] : ['f32'];
  const results: KernelResult[] = [await measurePeak(device)];
  const { tokens: m, dim, ffnDim, heads, headDim, textLen } = shapes;
  for (const precision of precisions) {
    results.push(await measureMatmul(device, m, dim, dim, precision)); // q, k, v, o
    results.push(await measureMatmul(device, m, ffnDim, dim, precision)); // ffn up
    results.push(await measureMatmul(device, m, dim, ffnDim, precision)); // ffn down
    results.push(await measureAttention(device, heads, headDim, m, m, precision)); // self
    results.push(await measureAttention(device, heads, headDim, m, textLen, precision)); // cross
  }
  device.destroy();
  const features = Object.entries(report.features).filter(([, on]) => on).map(([name]) => name);
  const adapter = `${report.adapter.vendor} ${report.adapter.architecture || report.adapter.description}${report.adapter.isFallbackAdapter ? ' (software)' : ''}`;
  return { adapter, features, results };
}
