// Runs one kernel once on host data and reads its outputs back: for kernel tests (in Chromium
// and in Node) and the engine's GPU self-check. Model code never uses this: it keeps data on the
// GPU and reads nothing back inside a forward pass.
import { dispatchKernel, type KernelSpec } from './kernel.ts';

export type HostArray = Float32Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

/** Input data for a binding, or the byte size of an output the kernel fills. */
export type KernelData = HostArray | { bytes: number };

// writeBuffer and buffer sizes must be multiples of 4 bytes (an odd number of f16 values is not).
const roundUp4 = (bytes: number) => Math.max(4, Math.ceil(bytes / 4) * 4);

/** Resolves with the contents of every read-write ('storage') binding after one dispatch. */
export async function runKernelOnce<Binding extends string, Params>(
  device: GPUDevice,
  spec: KernelSpec<Binding, Params>,
  params: Params,
  data: Record<Binding, KernelData>,
): Promise<Record<Binding, ArrayBuffer>> {
  const buffers = {} as Record<Binding, GPUBuffer>;
  const outputs: { name: Binding; buffer: GPUBuffer; staging: GPUBuffer; bytes: number }[] = [];
  // A shader that fails to compile would otherwise leave its outputs silently zero.
  device.pushErrorScope('validation');
  let scopeOpen = true;
  try {
    for (const [name, kind] of spec.bindings) {
      const item = data[name];
      const bytes = 'bytes' in item ? item.bytes : item.byteLength;
      const usage = kind === 'uniform' ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
      const buffer = device.createBuffer({ label: `${spec.name}.${name}`, size: roundUp4(bytes), usage: usage | GPUBufferUsage.COPY_DST });
      buffers[name] = buffer;
      if (!('bytes' in item)) {
        const padded = new Uint8Array(roundUp4(bytes));
        padded.set(new Uint8Array(item.buffer, item.byteOffset, item.byteLength));
        device.queue.writeBuffer(buffer, 0, padded);
      }
      if (kind === 'storage') {
        const staging = device.createBuffer({ size: roundUp4(bytes), usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
        outputs.push({ name, buffer, staging, bytes });
      }
    }
    const encoder = device.createCommandEncoder({ label: spec.name });
    const pass = encoder.beginComputePass({ label: spec.name });
    dispatchKernel(device, pass, spec, params, buffers);
    pass.end();
    for (const { buffer, staging } of outputs) encoder.copyBufferToBuffer(buffer, 0, staging, 0, staging.size);
    device.queue.submit([encoder.finish()]);
    scopeOpen = false;
    const error = await device.popErrorScope();
    if (error) throw new Error(`${spec.name}: ${error.message}`);

    const results = {} as Record<Binding, ArrayBuffer>;
    for (const { name, staging, bytes } of outputs) {
      await staging.mapAsync(GPUMapMode.READ);
      results[name] = staging.getMappedRange().slice(0, bytes);
      staging.unmap();
    }
    return results;
  } finally {
    if (scopeOpen) void device.popErrorScope();
    for (const buffer of Object.values<GPUBuffer>(buffers)) buffer.destroy();
    for (const { staging } of outputs) staging.destroy();
  }
}
