// The tensors of a checkpoint held in Blobs (one file or several shards), read one tensor (or a
// block of its rows) at a time and converted to the engine's f32 or f16 on the way: no step holds
// more than that piece. The .pth and safetensors readers both end here, so what the engine and
// the manifest check see does not depend on the file format.
import { decodeF16, decodeF32, WeightsFormatError, type LoadDtype, type TensorInfo } from '../weights.ts';
import { readRange } from './blob_bytes.ts';

export interface BlobTensor {
  blob: Blob;
  /** dtype, shape and the absolute byte range in `blob`, already checked against its size. */
  info: TensorInfo;
}

/** A contiguous block of rows (along the first dimension) of a tensor. */
export interface RowRange {
  first: number;
  count: number;
}

export class BlobTensorSet {
  constructor(
    readonly label: string,
    private readonly tensors: ReadonlyMap<string, BlobTensor>,
  ) {}

  get names(): string[] {
    return [...this.tensors.keys()];
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    return this.entry(name).info;
  }

  /** The stored little-endian bytes of `name` (or of some of its rows). */
  async bytes(name: string, rows?: RowRange): Promise<Uint8Array> {
    const { blob, info } = this.entry(name);
    const [begin, end] = rows ? rowBytes(name, info, rows) : [info.begin, info.end];
    return readRange(blob, begin, end, `${this.label}: ${name}`);
  }

  /** `name` (or some of its rows) as f32 values or f16 bit patterns. */
  async load(name: string, dtype: LoadDtype, rows?: RowRange): Promise<Float32Array | Uint16Array> {
    const raw = await this.bytes(name, rows);
    const stored = this.info(name).dtype;
    return dtype === 'f32' ? decodeF32(raw, stored) : decodeF16(raw, stored);
  }

  private entry(name: string): BlobTensor {
    const entry = this.tensors.get(name);
    if (!entry) throw new WeightsFormatError(`${this.label}: no tensor named ${name}`);
    return entry;
  }
}

function rowBytes(name: string, info: TensorInfo, { first, count }: RowRange): [number, number] {
  const rows = info.shape[0] ?? 1;
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(count) && first >= 0 && count >= 0 && first + count <= rows)) {
    throw new WeightsFormatError(`${name}: rows ${first}–${first + count} are outside its ${rows}`);
  }
  const rowBytes = (info.end - info.begin) / Math.max(rows, 1);
  return [info.begin + first * rowBytes, info.begin + (first + count) * rowBytes];
}

/** One set from several (shards), refusing a name held twice. */
export function mergeTensorSets(label: string, sets: Iterable<[string, ReadonlyMap<string, BlobTensor>]>): BlobTensorSet {
  const all = new Map<string, BlobTensor>();
  for (const [file, tensors] of sets) {
    for (const [name, tensor] of tensors) {
      if (all.has(name)) throw new WeightsFormatError(`${label}: tensor ${name} appears in two shards (again in ${file})`);
      all.set(name, tensor);
    }
  }
  return new BlobTensorSet(label, all);
}
