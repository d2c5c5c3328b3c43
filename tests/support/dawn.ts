// WebGPU in Node for tests: Dawn's Node bindings (npm `webgpu`) opened through the engine's own
// openGpu(), so tests exercise the same device setup (features, raised limits) as the browser.
// Which Vulkan driver Dawn finds is decided by the environment; tests/gpu-node/vitest.config.ts
// points it at the lavapipe that tests/support/lavapipe.sh unpacks.
import { create, globals } from 'webgpu';
import { openGpu, type GpuContext } from '../../src/gpu/device.ts';
import type { KernelSpec } from '../../src/gpu/kernel.ts';
import { runKernelOnce, type KernelData } from '../../src/gpu/run_kernel.ts';
import { isEngineError } from '../../src/worker/errors.ts';

export const SETUP_HINT =
  'Run `tests/support/lavapipe.sh` once (it unpacks Mesa 25 lavapipe into .cache/lavapipe, no root ' +
  'needed), then `npx vitest run -c tests/gpu-node/vitest.config.ts`. To use a real GPU instead, set ' +
  'VK_ICD_FILENAMES to its Vulkan driver manifest.';

let opened: Promise<GpuContext> | undefined;
// Dawn's instance lives exactly as long as the object create() returns is reachable; the adapter
// and device do not keep it alive. Once it is collected, the next async callback (a mapAsync
// resolving) runs on a freed instance and the process dies with a segfault or `std::system_error`.
// So it is held here for as long as the device is in use.
let instance: GPU | undefined;

/**
 * The test process's GPU, opened on first use. In a browser GPUBufferUsage, GPUMapMode and
 * GPUShaderStage are globals that engine code uses freely; in Node they come from Dawn.
 */
export function nodeGpu(): Promise<GpuContext> {
  opened ??= openDawn();
  return opened;
}

async function openDawn(): Promise<GpuContext> {
  Object.assign(globalThis, globals);
  // Dawn rounds timestamps (to 2^17 ns ≈ 0.13 ms) unless told not to; tests and benchmarks want
  // the real kernel times of src/gpu/profiler.ts.
  instance = create(['disable-dawn-features=timestamp_quantization']);
  try {
    return await openGpu({ gpu: instance });
  } catch (error) {
    if (isEngineError(error, 'no-adapter')) {
      throw new Error(
        `Dawn found no Vulkan adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}). ${SETUP_HINT}`,
      );
    }
    throw error;
  }
}

/** Destroys the device (tests/gpu-node/setup.ts calls this after each file). */
export async function closeNodeGpu(): Promise<void> {
  const context = opened;
  opened = undefined;
  (await context?.catch(() => undefined))?.device.destroy();
  instance = undefined;
}

/**
 * Runs one kernel once on host data and returns each read-write binding's bytes: the Node
 * counterpart of runKernelInPage (tests/support/gpu_page.ts), on the shared test device.
 */
export async function runKernelNode<Binding extends string, Params>(
  spec: KernelSpec<Binding, Params>,
  params: Params,
  data: Record<Binding, KernelData>,
): Promise<Record<Binding, ArrayBuffer>> {
  const { device } = await nodeGpu();
  // Without a scope, a WGSL or binding error is only logged and the test reads zeros; with one it
  // fails with the compiler's message.
  device.pushErrorScope('validation');
  let outputs: Record<Binding, ArrayBuffer> | undefined;
  try {
    outputs = await runKernelOnce(device, spec, params, data);
  } finally {
    const error = await device.popErrorScope();
    if (error) throw new Error(`${spec.name}: ${error.message}`);
  }
  return outputs;
}
