// Running one kernel in the browser from a Playwright test: the page (the GPU harness on the Vite
// dev server) imports the kernel's module, runs it once with src/gpu/run_kernel.ts, and returns
// the bytes of its outputs.
import type { Page } from '@playwright/test';
import { fromF16Array, toF16Array } from '../../src/gpu/f16.ts';

export type ElementType = 'f32' | 'f16' | 'u32' | 'i32';

export interface HostInput {
  type: ElementType;
  values: ArrayLike<number>;
}

export interface KernelRun {
  /** Module path as the dev server serves it, e.g. '/src/gpu/ops/activations.ts'. */
  module: string;
  /** Name of the exported KernelSpec. */
  kernel: string;
  params: unknown;
  /** Every binding: host values to upload, or the byte size of an output. */
  data: Record<string, HostInput | { bytes: number }>;
}

export const HARNESS = '/tests/gpu/harness.html';

function encode({ type, values }: HostInput): number[] {
  const typed =
    type === 'f32' ? Float32Array.from(values) : type === 'f16' ? toF16Array(values) : type === 'u32' ? Uint32Array.from(values) : Int32Array.from(values);
  return Array.from(new Uint8Array(typed.buffer));
}

/** Runs the kernel in `page` and returns each read-write binding's bytes. */
export async function runKernelInPage(page: Page, run: KernelRun): Promise<Record<string, Buffer>> {
  const data = Object.fromEntries(
    Object.entries(run.data).map(([name, item]) => [name, 'bytes' in item ? item : { bytes: encode(item) }]),
  );
  const outputs = await page.evaluate(
    async ({ module, kernel, params, data }) => {
      type RunModule = typeof import('../../src/gpu/run_kernel.ts');
      type DeviceModule = typeof import('../../src/gpu/device.ts');
      const { runKernelOnce } = (await import('/src/gpu/run_kernel.ts' as string)) as RunModule;
      const { openGpu } = (await import('/src/gpu/device.ts' as string)) as DeviceModule;
      const spec = (await import(module))[kernel];
      const cache = globalThis as { testDevice?: GPUDevice };
      cache.testDevice ??= (await openGpu()).device;
      const host = Object.fromEntries(
        Object.entries(data).map(([name, item]) => [name, Array.isArray(item.bytes) ? Uint8Array.from(item.bytes) : item]),
      );
      const results = await runKernelOnce(cache.testDevice, spec, params, host as never);
      return Object.fromEntries(Object.entries(results).map(([name, bytes]) => [name, Array.from(new Uint8Array(bytes as ArrayBuffer))]));
    },
    { module: run.module, kernel: run.kernel, params: run.params, data },
  );
  return Object.fromEntries(Object.entries(outputs).map(([name, bytes]) => [name, Buffer.from(bytes)]));
}

/** Decodes output bytes as numbers of `type`. */
export function decode(bytes: Buffer, type: ElementType): number[] {
  const buffer = Uint8Array.from(bytes).buffer;
  if (type === 'f16') return Array.from(fromF16Array(new Uint16Array(buffer)));
  const Typed = type === 'f32' ? Float32Array : type === 'u32' ? Uint32Array : Int32Array;
  return Array.from(new Typed(buffer));
}
