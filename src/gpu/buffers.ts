// Moving data between the CPU and GPU buffers. Reads back are for tests, diagnostics and the
// end of a job: never inside a forward pass or the sampler loop.

export function uploadF32(device: GPUDevice, data: Float32Array, label: string, extraUsage = 0): GPUBuffer {
  const buffer = device.createBuffer({
    label,
    size: Math.max(4, data.byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extraUsage,
  });
  device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

export function createStorage(device: GPUDevice, byteLength: number, label: string): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(4, byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  });
}

/** Copies `buffer` into a mappable staging buffer and returns its contents as f32. */
export async function readF32(device: GPUDevice, buffer: GPUBuffer, length: number): Promise<Float32Array> {
  const byteLength = length * 4;
  const staging = device.createBuffer({
    label: `${buffer.label}:readback`,
    size: Math.max(4, byteLength),
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const encoder = device.createCommandEncoder({ label: 'readback' });
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, byteLength);
  device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return new Float32Array(staging.getMappedRange().slice(0, byteLength));
  } finally {
    staging.destroy();
  }
}
