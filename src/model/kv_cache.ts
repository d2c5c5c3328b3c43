// Self-Forcing's per-layer KV cache: the self-attention keys and values of every chunk made so far,
// so that a new chunk's tokens attend to all earlier chunks without recomputing them.
//
// Each layer owns one key and one value buffer of `capacity` tokens × dim in the storage type,
// allocated once: GPU memory is fixed by the longest clip, not growing chunk after chunk. A forward
// on chunk c writes its own keys and values at rows [start, start + tokens) and attends over rows
// [0, start + tokens) with its queries at position `start` (attention.ts's qOffset); the four
// denoising passes overwrite those rows, and the last pass (Self-Forcing's re-run on the clean
// chunk at t = 0) leaves the ones later chunks will see.
import { BYTES_PER_ELEMENT } from '../gpu/kernel.ts';
import { tensorView, type DType, type Tensor } from '../gpu/tensor.ts';

export class KvCache {
  private readonly keys: Tensor[] = [];
  private readonly values: Tensor[] = [];

  constructor(
    device: GPUDevice,
    readonly layers: number,
    /** Tokens the cache holds: every chunk of the clip. */
    readonly capacity: number,
    readonly dim: number,
    readonly dtype: DType,
  ) {
    const bytes = capacity * dim * BYTES_PER_ELEMENT[dtype];
    const make = (label: string) =>
      tensorView(device.createBuffer({ label, size: Math.max(4, bytes), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC }), [capacity, dim], dtype);
    for (let i = 0; i < layers; i++) {
      this.keys.push(make(`kv-cache.${i}.k`));
      this.values.push(make(`kv-cache.${i}.v`));
    }
  }

  /** Layer i's key and value buffers (capacity, dim). */
  layer(i: number): { keys: Tensor; values: Tensor } {
    return { keys: this.keys[i]!, values: this.values[i]! };
  }

  /** GPU bytes held: 2 · layers · capacity · dim · element size. */
  get bytes(): number {
    return 2 * this.layers * this.capacity * this.dim * BYTES_PER_ELEMENT[this.dtype];
  }

  destroy(): void {
    for (const t of [...this.keys, ...this.values]) t.buffer.destroy();
  }
}

/** Bytes a cache for `tokens` tokens would take (the fit verdict's estimate). */
export function kvCacheBytes(layers: number, tokens: number, dim: number, dtype: DType): number {
  return 2 * layers * tokens * dim * BYTES_PER_ELEMENT[dtype];
}
