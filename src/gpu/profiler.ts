// Per-kernel GPU time from `timestamp-query`, for the benchmark and for finding slow kernels.
//
// A forward pass that is being profiled gives each kernel its own compute pass with
// `timestampWrites: profiler.timestampWrites(name)`; those write the GPU clock at the pass's
// start and end into a query set. After the last pass, resolve(encoder) copies the timestamps
// into a buffer as part of the same submission, and read() maps it once the pass is done. So
// nothing is read back inside the forward pass, and an unprofiled pass costs nothing.
//
// On a device without `timestamp-query` (or with profiling off) every method is a no-op and
// read() returns no timings, so callers need no branches.
//
// Dawn, and so Chrome, rounds timestamps (measured in Node: to 2^17 ns ≈ 0.13 ms) unless its
// `timestamp_quantization` toggle is off, as tests/support/dawn.ts does. Rounded, a short kernel
// reads as 0 or one step; totals over many passes are still about right.

export interface KernelTiming {
  /** The label given to timestampWrites(), e.g. the kernel's name. */
  name: string;
  /** Passes that carried this label. */
  count: number;
  /** Their summed GPU time in milliseconds. */
  totalMs: number;
}

export interface ProfileReport {
  /** Per label, in the order each first ran. */
  kernels: KernelTiming[];
  /** Passes beyond the query set's capacity: they ran, but untimed. */
  untimedPasses: number;
}

const BYTES_PER_TIMESTAMP = 8;

export class KernelProfiler {
  /** False when the device lacks `timestamp-query`: then nothing is recorded. */
  readonly enabled: boolean;
  private readonly querySet?: GPUQuerySet;
  private readonly resolveBuffer?: GPUBuffer;
  private readonly readBuffer?: GPUBuffer;
  private labels: string[] = [];
  private untimed = 0;
  private resolved = false;

  /** Room for `capacity` timed passes per forward pass (two queries each; WebGPU allows 4096 queries). */
  constructor(device: GPUDevice, readonly capacity = 512, enabled = true) {
    this.enabled = enabled && device.features.has('timestamp-query');
    if (!this.enabled) return;
    const count = capacity * 2;
    this.querySet = device.createQuerySet({ label: 'profiler', type: 'timestamp', count });
    this.resolveBuffer = device.createBuffer({
      label: 'profiler.resolve',
      size: count * BYTES_PER_TIMESTAMP,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    this.readBuffer = device.createBuffer({
      label: 'profiler.read',
      size: count * BYTES_PER_TIMESTAMP,
      usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
    });
  }

  /** The `timestampWrites` for one compute pass named `name`; undefined when not timing it. */
  timestampWrites(name: string): GPUComputePassTimestampWrites | undefined {
    if (!this.querySet) return undefined;
    if (this.labels.length >= this.capacity) {
      this.untimed++;
      return undefined;
    }
    const pair = this.labels.push(name) - 1;
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * pair, endOfPassWriteIndex: 2 * pair + 1 };
  }

  /** Records copying this forward pass's timestamps out; call on its last encoder, before finish(). */
  resolve(encoder: GPUCommandEncoder): void {
    if (!this.querySet || !this.resolveBuffer || !this.readBuffer || this.labels.length === 0) return;
    const bytes = this.labels.length * 2 * BYTES_PER_TIMESTAMP;
    encoder.resolveQuerySet(this.querySet, 0, this.labels.length * 2, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readBuffer, 0, bytes);
    this.resolved = true;
  }

  /**
   * Per-kernel times of the resolved forward pass (waits for the GPU to finish it), then starts
   * over for the next one.
   */
  async read(): Promise<ProfileReport> {
    const labels = this.labels;
    const untimedPasses = this.untimed;
    this.labels = [];
    this.untimed = 0;
    if (!this.readBuffer || labels.length === 0) return { kernels: [], untimedPasses };
    if (!this.resolved) throw new Error('KernelProfiler.read() before resolve(encoder) was submitted');
    this.resolved = false;

    await this.readBuffer.mapAsync(GPUMapMode.READ, 0, labels.length * 2 * BYTES_PER_TIMESTAMP);
    const stamps = new BigUint64Array(this.readBuffer.getMappedRange(0, labels.length * 2 * BYTES_PER_TIMESTAMP).slice(0));
    this.readBuffer.unmap();

    const byName = new Map<string, KernelTiming>();
    labels.forEach((name, pair) => {
      // Timestamps are nanoseconds; an end before its start (a clock reset, allowed by the
      // spec) counts as 0 rather than as a huge unsigned difference.
      const begin = stamps[2 * pair]!;
      const end = stamps[2 * pair + 1]!;
      const ms = end > begin ? Number(end - begin) / 1e6 : 0;
      const timing = byName.get(name);
      if (timing) {
        timing.count++;
        timing.totalMs += ms;
      } else {
        byName.set(name, { name, count: 1, totalMs: ms });
      }
    });
    return { kernels: [...byName.values()], untimedPasses };
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolveBuffer?.destroy();
    this.readBuffer?.destroy();
  }
}
