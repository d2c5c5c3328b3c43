// GPU buffer helpers shared by the engine's parts.
import { toF16Array } from './f16.ts';
import { tensorView, type DType, type Tensor } from './tensor.ts';

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

/**
 * A tensor holding `data` in a buffer of its own (tables and constants made once per model),
 * stored as f32 or rounded to f16.
 */
export function uploadTensor(device: GPUDevice, data: Float32Array, shape: readonly number[], label: string, dtype: DType = 'f32'): Tensor {
  const bytes = dtype === 'f32' ? new Uint8Array(new Float32Array(data).buffer) : new Uint8Array(toF16Array(data).buffer);
  const padded = new Uint8Array(Math.max(4, Math.ceil(bytes.byteLength / 4) * 4));
  padded.set(bytes);
  const buffer = device.createBuffer({
    label,
    size: padded.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  });
  device.queue.writeBuffer(buffer, 0, padded);
  return tensorView(buffer, shape, dtype);
}

export function uploadF32Tensor(device: GPUDevice, data: Float32Array, shape: readonly number[], label: string): Tensor {
  return uploadTensor(device, data, shape, label, 'f32');
}
