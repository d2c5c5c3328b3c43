// onnxruntime-web's WASM EP: the CPU backend's runtime for the text encoder, DiT and VAE graphs.
//
// Build: `onnxruntime-web/wasm` (ort.wasm.bundle.min.mjs + ort-wasm-simd-threaded.wasm, 14 MB),
// the CPU-only build, separate from the `onnxruntime-web/webgpu` build the WebGPU backend's VAE
// uses (vae.ts). Each build is its own module with its own environment: the WebGPU one runs with
// one thread (it only schedules GPU kernels), this one with as many as the page can have, and the
// thread count is fixed when a build's WASM module starts, so the two cannot share one module.
// Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (the app sends COOP/COEP).
import { checkExternalData } from './onnx_external_data.ts';
import type { WeightFile } from './part_files.ts';
import type * as Ort from 'onnxruntime-web';

export type OrtModule = typeof Ort;

// As in vae.ts: under the dev server ORT's .wasm files are served from the package's dist folder.
const DEV_WASM_PATHS = '/node_modules/onnxruntime-web/dist/';

let ortModule: Promise<OrtModule> | null = null;

/** Threads for ORT-web's WASM EP: all cores up to 4, or 1 without cross-origin isolation (no SharedArrayBuffer). */
export function wasmThreadCount(crossOriginIsolated: boolean, hardwareConcurrency: number | undefined): number {
  if (!crossOriginIsolated) return 1;
  // Beyond 4 threads ORT-web's kernels gain little and each thread costs a worker and its stack.
  return Math.max(1, Math.min(4, hardwareConcurrency ?? 1));
}

/** Threads the WASM EP runs on in this context. */
export function wasmThreads(): number {
  return wasmThreadCount(globalThis.crossOriginIsolated === true, globalThis.navigator?.hardwareConcurrency);
}

export function loadOrtWasm(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-web/wasm').then((ort) => {
    const module = ort as unknown as OrtModule;
    if (import.meta.env.DEV) module.env.wasm.wasmPaths = DEV_WASM_PATHS;
    module.env.wasm.numThreads = wasmThreads();
    return module;
  });
  return ortModule;
}

/**
 * A WASM EP session for a graph whose weights are ONNX external data in `weightsPath` (the model's
 * f16 safetensors, handed over as they are: the graph reads its initializers out of those bytes).
 */
export async function createWasmSession(graph: Uint8Array, weightsPath: string, weights: Uint8Array, graphName = 'the ONNX graph'): Promise<Ort.InferenceSession> {
  return createShardedWasmSession(graph, [{ path: weightsPath, bytes: weights }], graphName);
}

/**
 * As createWasmSession, for a graph whose initializers point into several files (a sharded part).
 * Every external-data reference is checked against the files first (onnx_external_data.ts).
 */
export async function createShardedWasmSession(graph: Uint8Array, weights: readonly WeightFile[], graphName = 'the ONNX graph'): Promise<Ort.InferenceSession> {
  checkExternalData(graph, weights, graphName);
  const ort = await loadOrtWasm();
  return ort.InferenceSession.create(graph, {
    executionProviders: ['wasm'],
    // Each path must equal the `location` the graph's initializers name.
    externalData: weights.map(({ path, bytes }) => ({ path, data: bytes })),
    graphOptimizationLevel: 'all',
  });
}

/** Runs `session` on `feeds` and returns its one output's f32 data, disposing of the output tensor. */
export async function runToF32(session: Ort.InferenceSession, feeds: Record<string, Ort.Tensor>): Promise<{ data: Float32Array; dims: number[] }> {
  const outputs = await session.run(feeds);
  const output = outputs[session.outputNames[0]!]!;
  try {
    // On the WASM EP the data already lives in CPU memory; getData copies it out of ORT's heap.
    return { data: (await output.getData()) as Float32Array, dims: [...output.dims] };
  } finally {
    output.dispose();
  }
}
