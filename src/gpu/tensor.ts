// A tensor is a typed window onto a GPU buffer: shape, element type, and where its bytes are.
// It owns nothing; whoever made the buffer (the weight loader, the activation pool) frees it.
// Several tensors may share one buffer (the parts of a split weight, a reshaped view).
import { BYTES_PER_ELEMENT, type Precision } from './kernel.ts';

/** Storage element type; the same two the kernels are compiled for. */
export type DType = Precision;

export interface Tensor {
  /** Row-major, outermost first, e.g. (F·H·W, D). */
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly buffer: GPUBuffer;
  /** Where the first element starts, in bytes. */
  readonly offset: number;
  /** elementCount(shape) × bytes per element: the data, without the buffer's padding. */
  readonly byteSize: number;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((count, dim) => count * dim, 1);
}

export function byteSizeOf(shape: readonly number[], dtype: DType): number {
  return elementCount(shape) * BYTES_PER_ELEMENT[dtype];
}

/**
 * A tensor over `buffer` starting at `offset`. Throws when the shape is not made of whole
 * non-negative dimensions or the data would run past the buffer, so a wrong shape fails here
 * and not as garbage in some later kernel.
 */
export function tensorView(
  buffer: GPUBuffer,
  shape: readonly number[],
  dtype: DType,
  offset = 0,
): Tensor {
  if (!shape.every((dim) => Number.isInteger(dim) && dim >= 0)) {
    throw new RangeError(`tensor shape (${shape.join(', ')}) must be non-negative integers`);
  }
  const byteSize = byteSizeOf(shape, dtype);
  if (offset < 0 || offset + byteSize > buffer.size) {
    throw new RangeError(
      `a ${dtype} tensor of shape (${shape.join(', ')}) at byte ${offset} needs ${byteSize} bytes; ` +
        `buffer ${buffer.label || '(unlabelled)'} has ${buffer.size}`,
    );
  }
  return { shape: [...shape], dtype, buffer, offset, byteSize };
}

/** The same bytes under another shape with the same element count (no copy). */
export function reshape(tensor: Tensor, shape: readonly number[]): Tensor {
  if (elementCount(shape) !== elementCount(tensor.shape)) {
    throw new RangeError(`cannot reshape (${tensor.shape.join(', ')}) to (${shape.join(', ')})`);
  }
  return { ...tensor, shape: [...shape] };
}

/**
 * The binding a kernel reads or writes for `tensor`. Storage bindings must be a multiple of 4
 * bytes long, so an odd number of f16 values is bound with its 2 bytes of padding (the pool and
 * the loaders allocate in multiples of 4): a shader that sizes its loop by arrayLength() sees
 * one element more, harmless for a pointwise kernel, wrong for a reduction. The offset must
 * meet the device's minStorageBufferOffsetAlignment (256 bytes by default), which whoever
 * places tensors inside a shared buffer has to respect.
 */
export function binding(tensor: Tensor): GPUBufferBinding {
  return { buffer: tensor.buffer, offset: tensor.offset, size: Math.max(4, Math.ceil(tensor.byteSize / 4) * 4) };
}
