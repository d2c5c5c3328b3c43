// Model weights on the GPU: each tensor is uploaded once, on first use, in the element type the
// kernels read it in, and kept for the session. Most weights follow the model's precision; the
// ones the f32 residual stream reads (modulation tables, gates) are asked for in f32 explicitly.
import { tensorView, type DType, type Tensor } from '../gpu/tensor.ts';
import type { WeightSet } from './weights.ts';

export class GpuWeights {
  private readonly uploaded = new Map<string, Tensor>();
  private bytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly weights: WeightSet,
    /** Prefix of every name in this set (e.g. '' for a DiT file). */
    private readonly prefix = '',
  ) {}

  /** The tensor `name` as `dtype`, uploading it the first time. Shape as stored. */
  get(name: string, dtype: DType): Tensor {
    const key = `${name}:${dtype}`;
    let tensor = this.uploaded.get(key);
    if (!tensor) {
      const full = this.prefix + name;
      const data = this.weights.load(full, dtype);
      const size = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
      const buffer = this.device.createBuffer({ label: full, size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      const padded = new Uint8Array(size);
      padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      this.device.queue.writeBuffer(buffer, 0, padded);
      tensor = tensorView(buffer, this.weights.info(full).shape, dtype);
      this.uploaded.set(key, tensor);
      this.bytes += size;
    }
    return tensor;
  }

  /** Whether the set has a tensor of this name (optional parts such as biases). */
  has(name: string): boolean {
    return this.weights.names.includes(this.prefix + name);
  }

  /** Bytes uploaded so far. */
  get uploadedBytes(): number {
    return this.bytes;
  }

  destroy(): void {
    for (const tensor of this.uploaded.values()) tensor.buffer.destroy();
    this.uploaded.clear();
    this.bytes = 0;
  }
}
