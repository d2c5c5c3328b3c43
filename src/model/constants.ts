// Constant vectors a model binds where a kernel expects data: the all-ones gate of an ungated
// residual add, made once per length and kept for the session.
import { uploadF32Tensor } from '../gpu/buffers.ts';
import type { Tensor } from '../gpu/tensor.ts';

export class Constants {
  private readonly onesByLength = new Map<number, Tensor>();

  constructor(private readonly device: GPUDevice) {}

  /** An f32 vector of `length` ones. */
  ones(length: number): Tensor {
    let ones = this.onesByLength.get(length);
    if (!ones) {
      ones = uploadF32Tensor(this.device, new Float32Array(length).fill(1), [length], `ones[${length}]`);
      this.onesByLength.set(length, ones);
    }
    return ones;
  }

  destroy(): void {
    for (const tensor of this.onesByLength.values()) tensor.buffer.destroy();
    this.onesByLength.clear();
  }
}
