// GPU buffer helpers shared by the engine's parts.
import { tensorView, type Tensor } from './tensor.ts';

export function createStorage(device: GPUDevice, byteLength: number, label: string): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(4, Math.ceil(byteLength / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  });
}

/**
 * Copies a tensor's bytes back to the CPU. For tests, diagnostics and the end of a job: never
 * inside a forward pass or the sampler loop.
 */
export async function readTensorBytes(device: GPUDevice, buffer: GPUBuffer, offset: number, byteSize: number): Promise<ArrayBuffer> {
  const size = Math.max(4, Math.ceil(byteSize / 4) * 4);
  const staging = device.createBuffer({ label: 'readback', size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const encoder = device.createCommandEncoder({ label: 'readback' });
  encoder.copyBufferToBuffer(buffer, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0, byteSize);
  } finally {
    staging.destroy();
  }
}

/** An f32 tensor holding `data`, in a buffer of its own (tables and constants made once per model). */
export function uploadF32Tensor(device: GPUDevice, data: Float32Array, shape: readonly number[], label: string): Tensor {
  const buffer = device.createBuffer({
    label,
    size: Math.max(4, data.byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  });
  device.queue.writeBuffer(buffer, 0, new Float32Array(data));
  return tensorView(buffer, shape, 'f32');
}
