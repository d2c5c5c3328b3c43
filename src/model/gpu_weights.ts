// Model weights on the GPU: each tensor is uploaded once, on first use, in the element type the
// kernels read it in, and kept for the session. Most weights follow the model's precision; the
// ones the f32 residual stream reads (modulation tables, gates) are asked for in f32 explicitly.
//
// A matrix larger than one storage binding may hold (maxStorageBufferBindingSize: 128 MiB by
// default, and Wan's 1.3 B text embedding alone is 2 GiB) is uploaded as blocks of whole rows,
// each in its own buffer; the matmul writes each block's columns of the output (nOffset), and the
// embedding gather reads each block's rows.
import { quantizeRowsInt8, wordsPerRow } from '../gpu/int8.ts';
import { tensorView, type DType, type Tensor } from '../gpu/tensor.ts';
import type { Int8Matrix } from './layers.ts';
import type { LoadDtype, TensorInfo } from './weights.ts';

/**
 * Where weights come from: a WeightSet of safetensors in memory, or a checkpoint read piece by
 * piece from Blobs (checkpoint/staged_tensors.ts), whose tensors are staged before they are asked for.
 */
export interface TensorSource {
  readonly names: string[];
  info(name: string): Pick<TensorInfo, 'shape'>;
  load(name: string, dtype: LoadDtype): Float32Array | Uint16Array;
}

export class GpuWeights {
  private readonly uploaded = new Map<string, Tensor>();
  private bytes = 0;

  private readonly matrices = new Map<string, Tensor[]>();
  private readonly int8Matrices = new Map<string, Int8Matrix>();
  private readonly maxBindingBytes: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly weights: TensorSource,
    /** Largest binding; defaults to the device's limit (tests pass a small one to force splits). */
    maxBindingBytes?: number,
    /** Prefix of every name in this set (e.g. '' for a DiT file). */
    private readonly prefix = '',
  ) {
    this.maxBindingBytes = maxBindingBytes ?? device.limits.maxStorageBufferBindingSize;
  }

  /** The tensor `name` as `dtype`, uploading it the first time. Shape as stored. */
  get(name: string, dtype: DType): Tensor {
    const key = `${name}:${dtype}`;
    let tensor = this.uploaded.get(key);
    if (!tensor) {
      const full = this.prefix + name;
      tensor = this.upload(full, this.weights.load(full, dtype), this.weights.info(full).shape, dtype);
      this.uploaded.set(key, tensor);
    }
    return tensor;
  }

  /**
   * The tensor `name` as a matrix (first dimension × the rest: a Linear's (out, in), a Conv3d
   * patch embedding flattened in its weight order, an embedding table), in blocks of whole rows
   * that each fit one binding. Usually a single block.
   */
  matrix(name: string, dtype: DType): Tensor[] {
    const key = `${name}:${dtype}`;
    let blocks = this.matrices.get(key);
    if (!blocks) {
      const full = this.prefix + name;
      const [rows, ...rest] = this.weights.info(full).shape as [number, ...number[]];
      const columns = rest.reduce((a, b) => a * b, 1);
      const data = this.weights.load(full, dtype);
      const rowsPerBlock = Math.max(1, Math.floor(this.maxBindingBytes / (columns * data.BYTES_PER_ELEMENT)));
      blocks = [];
      for (let first = 0; first < rows; first += rowsPerBlock) {
        const count = Math.min(rowsPerBlock, rows - first);
        const part = data.subarray(first * columns, (first + count) * columns);
        blocks.push(this.upload(`${full}[${first}:${first + count}]`, part, [count, columns], dtype));
      }
      this.matrices.set(key, blocks);
    }
    return blocks;
  }

  /**
   * The Linear weight `name` (out, in) quantized to int8 with a scale per row (src/gpu/int8.ts),
   * in blocks of whole rows that each fit a binding; the f32 scales of all rows in one buffer.
   */
  int8Matrix(name: string): Int8Matrix {
    let matrix = this.int8Matrices.get(name);
    if (!matrix) {
      const full = this.prefix + name;
      const [rows, ...rest] = this.weights.info(full).shape as [number, ...number[]];
      const columns = rest.reduce((a, b) => a * b, 1);
      const { packed, scales } = quantizeRowsInt8(this.weights.load(full, 'f32'), rows, columns);
      const words = wordsPerRow(columns);
      const rowsPerBlock = Math.max(1, Math.floor(this.maxBindingBytes / (words * 4)));
      const int8: Tensor[] = [];
      for (let first = 0; first < rows; first += rowsPerBlock) {
        const count = Math.min(rowsPerBlock, rows - first);
        // u32 words: 'f32' only sizes the tensor's 4-byte elements.
        int8.push(this.upload(`${full}[${first}:${first + count}] int8`, packed.subarray(first * words, (first + count) * words), [count, words], 'f32'));
      }
      matrix = { int8, scales: this.upload(`${full} scales`, scales, [rows], 'f32'), columns };
      this.int8Matrices.set(name, matrix);
    }
    return matrix;
  }

  private upload(label: string, data: Float32Array | Uint16Array | Uint32Array, shape: readonly number[], dtype: DType): Tensor {
    const size = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
    const buffer = this.device.createBuffer({ label, size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const padded = new Uint8Array(size);
    padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.device.queue.writeBuffer(buffer, 0, padded);
    this.bytes += size;
    return tensorView(buffer, shape, dtype);
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
    for (const blocks of this.matrices.values()) for (const tensor of blocks) tensor.buffer.destroy();
    for (const { int8, scales } of this.int8Matrices.values()) for (const tensor of [...int8, scales]) tensor.buffer.destroy();
    this.uploaded.clear();
    this.matrices.clear();
    this.int8Matrices.clear();
    this.bytes = 0;
  }
}
