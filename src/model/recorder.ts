// Records one forward pass: every kernel goes into one command encoder (one compute pass, or one
// pass per kernel when profiling), activations come from the buffer pool, and nothing is read
// back until the caller has submitted. Uniform buffers (sizes for matmul and attention) are made
// once per distinct content and kept, so a second step with the same shapes allocates nothing.
import { dispatchKernel, type KernelSpec } from '../gpu/kernel.ts';
import type { BufferPool } from '../gpu/pool.ts';
import type { KernelProfiler } from '../gpu/profiler.ts';
import { binding, type DType, type Tensor } from '../gpu/tensor.ts';

export type Bindable = Tensor | GPUBuffer;

export class UniformCache {
  private readonly buffers = new Map<string, GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  get(words: Uint32Array): GPUBuffer {
    const key = Array.prototype.join.call(words, ',');
    let buffer = this.buffers.get(key);
    if (!buffer) {
      buffer = this.device.createBuffer({ label: 'uniforms', size: words.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.device.queue.writeBuffer(buffer, 0, Uint32Array.from(words));
      this.buffers.set(key, buffer);
    }
    return buffer;
  }

  destroy(): void {
    for (const buffer of this.buffers.values()) buffer.destroy();
    this.buffers.clear();
  }
}

/** Copies of intermediate tensors, read after the forward pass (for tests against goldens). */
export type Trace = Map<string, Tensor>;

export class ForwardRecorder {
  readonly encoder: GPUCommandEncoder;
  private pass: GPUComputePassEncoder | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly pool: BufferPool,
    readonly uniforms: UniformCache,
    private readonly profiler?: KernelProfiler,
    /** When set, `trace()` keeps a copy of each named tensor here. */
    readonly traced?: Trace,
  ) {
    this.encoder = device.createCommandEncoder({ label: 'forward' });
  }

  run<Binding extends string, Params>(
    spec: KernelSpec<Binding, Params>,
    params: Params,
    buffers: Record<Binding, Bindable>,
  ): void {
    const bound = {} as Record<Binding, GPUBuffer | GPUBufferBinding>;
    for (const name of Object.keys(buffers) as Binding[]) {
      const item = buffers[name];
      bound[name] = 'shape' in item ? binding(item) : item;
    }
    const pass = this.computePass(spec.name);
    dispatchKernel(this.device, pass, spec, params, bound);
    if (this.profiler) this.endPass();
  }

  /** An activation tensor from the pool; give it back with `free` once its last reader is recorded. */
  tensor(shape: readonly number[], dtype: DType): Tensor {
    return this.pool.acquireTensor(shape, dtype);
  }

  free(...tensors: Tensor[]): void {
    for (const tensor of tensors) this.pool.release(tensor);
  }

  uniform(words: Uint32Array): GPUBuffer {
    return this.uniforms.get(words);
  }

  /** Keeps a copy of `tensor` under `name` when tracing; costs nothing otherwise. */
  trace(name: string, tensor: Tensor): void {
    if (!this.traced) return;
    this.endPass();
    const copy = this.device.createBuffer({ label: `trace:${name}`, size: Math.ceil(tensor.byteSize / 4) * 4, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.encoder.copyBufferToBuffer(tensor.buffer, tensor.offset, copy, 0, copy.size);
    this.traced.set(name, { ...tensor, buffer: copy, offset: 0 });
  }

  /** Sets every byte of `tensor` to zero. */
  zero(tensor: Tensor): void {
    this.endPass();
    this.encoder.clearBuffer(tensor.buffer, tensor.offset, Math.ceil(tensor.byteSize / 4) * 4);
  }

  /** Copies `bytes` bytes between tensors (offsets in bytes from each tensor's start). */
  copy(src: Tensor, srcByte: number, dst: Tensor, dstByte: number, bytes: number): void {
    this.endPass();
    this.encoder.copyBufferToBuffer(src.buffer, src.offset + srcByte, dst.buffer, dst.offset + dstByte, bytes);
  }

  /** Zeroes rows [from, rows) of a (rows, width) tensor (text tokens past the prompt's length). */
  clearRows(tensor: Tensor, from: number): void {
    const rowBytes = tensor.byteSize / tensor.shape[0]!;
    const begin = tensor.offset + from * rowBytes;
    const end = tensor.offset + tensor.byteSize;
    if (end <= begin) return;
    this.endPass();
    this.encoder.clearBuffer(tensor.buffer, begin, end - begin);
  }

  /** Ends recording and submits; the forward's results can be read once the queue is done. */
  submit(): void {
    this.endPass();
    this.profiler?.resolve(this.encoder);
    this.device.queue.submit([this.encoder.finish()]);
  }

  private computePass(label: string): GPUComputePassEncoder {
    if (!this.pass) {
      const timestampWrites = this.profiler?.timestampWrites(label);
      this.pass = this.encoder.beginComputePass(timestampWrites ? { label, timestampWrites } : { label: 'forward' });
    }
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }
}
