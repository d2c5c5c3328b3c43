// A checkpoint read from Blobs (tensor_set.ts) as the synchronous TensorSource that GpuWeights and
// the models read: the tensors a step needs are staged (read and converted) first, asynchronously,
// and dropped once uploaded. So a model far larger than memory passes through one tensor at a time.
import type { TensorSource } from '../gpu_weights.ts';
import { WeightsFormatError, type LoadDtype, type TensorInfo } from '../weights.ts';
import type { BlobTensorSet } from './tensor_set.ts';

export class StagedTensors implements TensorSource {
  private readonly staged = new Map<string, Float32Array | Uint16Array>();

  constructor(readonly set: BlobTensorSet) {}

  get names(): string[] {
    return this.set.names;
  }

  info(name: string): TensorInfo {
    return this.set.info(name);
  }

  /** Reads `name` as `dtype` into memory, where `load` finds it. */
  async stage(name: string, dtype: LoadDtype): Promise<void> {
    this.staged.set(`${name}:${dtype}`, await this.set.load(name, dtype));
  }

  load(name: string, dtype: LoadDtype): Float32Array | Uint16Array {
    const data = this.staged.get(`${name}:${dtype}`);
    if (!data) throw new WeightsFormatError(`${this.set.label}: ${name} (${dtype}) was asked for before it was read`);
    return data;
  }

  drop(name: string, dtype: LoadDtype): void {
    this.staged.delete(`${name}:${dtype}`);
  }

  /** Bytes held in memory now. */
  get stagedBytes(): number {
    let bytes = 0;
    for (const data of this.staged.values()) bytes += data.byteLength;
    return bytes;
  }
}

/**
 * Stages each tensor, hands it to `upload` (which puts it on the GPU through GpuWeights) and drops
 * it, one at a time; `keep` names the ones to keep staged for later CPU use (small tables).
 */
export async function uploadOneByOne(
  staged: StagedTensors,
  requests: readonly { name: string; dtype: LoadDtype; upload: () => void; keep?: boolean }[],
): Promise<void> {
  for (const { name, dtype, upload, keep } of requests) {
    await staged.stage(name, dtype);
    upload();
    if (!keep) staged.drop(name, dtype);
  }
}
