// Activation buffers, reused across sampler steps and windows.
//
// A denoising step allocates the same activations every time, so after the first step every
// request can be served from buffers the previous step released, and GPU memory stays flat for
// any number of steps and any video length. Requests are rounded up to a size class (four per
// power of two, so at most 25% is wasted) so that nearby sizes, e.g. the last window of a video
// being a little shorter, share buffers too.
//
// Of the free buffers of a size, the pool hands out the oldest. A step that runs with every
// buffer free then gets exactly the buffers the previous step got, in the same places, so bind
// groups made for the first step serve every later one (src/gpu/kernel.ts caches them).
//
// The pool counts bytes: `liveBytes` are in buffers handed out and not yet released,
// `heldBytes` are all the pool's buffers, free ones included. Tests use these to prove memory
// stays flat; the UI can show them.
//
// Releasing a buffer whose last use is recorded in a command encoder that has not been submitted
// yet is fine: commands on one queue run in order, so the next user's writes come after the
// earlier reads. What is not fine is releasing a buffer a later command still reads.
import { byteSizeOf, tensorView, type DType, type Tensor } from './tensor.ts';

export interface PoolStats {
  /** Bytes in buffers acquired and not yet released. */
  liveBytes: number;
  /** Bytes in all the pool's buffers: live plus free for reuse. */
  heldBytes: number;
  /** The most liveBytes ever reached (since creation or resetPeak()). */
  peakLiveBytes: number;
  /** Buffers the pool holds, live and free. */
  buffers: number;
  /** How many buffers were ever created: stops growing once a step loop is warm. */
  created: number;
  /** How many requests were served by a released buffer. */
  reused: number;
}

/** Smallest buffer handed out: tiny requests share one class instead of fragmenting. */
const MIN_CLASS_BYTES = 256;

/** The size a request for `bytes` is served with: 2^k·{1, 1.25, 1.5, 1.75}, at least 256. */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_CLASS_BYTES) return MIN_CLASS_BYTES;
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 2);
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();
  /** Creation order of each buffer: free lists are kept newest first, so pop() gives the oldest. */
  private readonly age = new WeakMap<GPUBuffer, number>();
  private counts = { liveBytes: 0, heldBytes: 0, peakLiveBytes: 0, created: 0, reused: 0 };
  private destroyed = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly label = 'activations',
    private readonly usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  ) {}

  /** A buffer of at least `bytes` (its size is the size class); contents are undefined. */
  acquire(bytes: number): GPUBuffer {
    if (this.destroyed) throw new Error(`buffer pool ${this.label} was destroyed`);
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`cannot allocate ${bytes} bytes`);
    const size = sizeClass(bytes);
    let buffer = this.free.get(size)?.pop();
    if (buffer) {
      this.counts.reused++;
    } else {
      buffer = this.device.createBuffer({ label: `${this.label}[${size}]`, size, usage: this.usage });
      this.age.set(buffer, this.counts.created);
      this.counts.created++;
      this.counts.heldBytes += size;
    }
    this.live.add(buffer);
    this.counts.liveBytes += size;
    this.counts.peakLiveBytes = Math.max(this.counts.peakLiveBytes, this.counts.liveBytes);
    return buffer;
  }

  /** A tensor of `shape` in a pooled buffer; give it back with release(tensor). */
  acquireTensor(shape: readonly number[], dtype: DType): Tensor {
    return tensorView(this.acquire(byteSizeOf(shape, dtype)), shape, dtype);
  }

  /** Returns a buffer (or a tensor's buffer) for reuse. Releasing twice is a bug and throws. */
  release(item: GPUBuffer | Tensor): void {
    const buffer = 'buffer' in item ? item.buffer : item;
    if (!this.live.delete(buffer)) {
      throw new Error(`buffer ${buffer.label || '(unlabelled)'} is not live in pool ${this.label} (released twice?)`);
    }
    this.counts.liveBytes -= buffer.size;
    const list = this.free.get(buffer.size);
    if (!list) {
      this.free.set(buffer.size, [buffer]);
      return;
    }
    // Insert keeping the list newest first (lists hold a handful of buffers).
    const age = this.age.get(buffer)!;
    const at = list.findIndex((other) => this.age.get(other)! < age);
    list.splice(at === -1 ? list.length : at, 0, buffer);
  }

  /** Frees the buffers nobody holds, e.g. after a run at a larger size than the next ones. */
  trim(): void {
    for (const list of this.free.values()) {
      for (const buffer of list) {
        this.counts.heldBytes -= buffer.size;
        buffer.destroy();
      }
    }
    this.free.clear();
  }

  /** Frees every buffer, live ones included; the pool cannot be used afterwards. */
  destroy(): void {
    this.trim();
    for (const buffer of this.live) buffer.destroy();
    this.live.clear();
    this.counts.liveBytes = 0;
    this.counts.heldBytes = 0;
    this.destroyed = true;
  }

  /**
   * Counts a buffer made outside the pool while it lives (bytes > 0 when made, < 0 when destroyed):
   * the exact-size buffers handed to onnxruntime-web as tensors, so `liveBytes` covers every GPU
   * byte a clip holds, ours and the ORT tensors we create.
   */
  noteExternal(bytes: number): void {
    this.counts.liveBytes += bytes;
    this.counts.heldBytes += bytes;
    this.counts.peakLiveBytes = Math.max(this.counts.peakLiveBytes, this.counts.liveBytes);
  }

  resetPeak(): void {
    this.counts.peakLiveBytes = this.counts.liveBytes;
  }

  stats(): PoolStats {
    let freeBuffers = 0;
    for (const list of this.free.values()) freeBuffers += list.length;
    return { ...this.counts, buffers: this.live.size + freeBuffers };
  }
}
