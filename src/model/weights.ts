// Reading model weights from safetensors files, single or sharded, by tensor name.
//
// Format: an 8-byte little-endian header length, a JSON header mapping each tensor name to its
// dtype, shape and [begin, end) byte range (relative to the end of the header), then the data.
// Tensors come out as f32 or as f16 bit patterns, whichever the engine runs in; bf16 (which
// WebGPU cannot use) is converted on load.
import { fromF16Bits, toF16Bits } from '../gpu/f16.ts';

/** I32 appears in index tensors (token ids in fixtures), never in weights. */
export type StoredDtype = 'F32' | 'F16' | 'BF16' | 'I32';
export type LoadDtype = 'f32' | 'f16';

export interface TensorInfo {
  dtype: StoredDtype;
  shape: number[];
  /** Byte range in the file, absolute. */
  begin: number;
  end: number;
}

const BYTES: Record<StoredDtype, number> = { F32: 4, F16: 2, BF16: 2, I32: 4 };
/** Headers beyond this are not weights files (and would be a memory hazard to parse). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export class WeightsFormatError extends Error {
  override readonly name = 'WeightsFormatError';
}

export class SafetensorsFile {
  private constructor(
    readonly bytes: Uint8Array,
    readonly tensors: ReadonlyMap<string, TensorInfo>,
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  static parse(bytes: Uint8Array, label = 'weights'): SafetensorsFile {
    const headerLength = safetensorsHeaderLength(bytes, bytes.byteLength, label);
    const { tensors, metadata } = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLength), bytes.byteLength, label);
    return new SafetensorsFile(bytes, tensors, metadata);
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    const info = this.tensors.get(name);
    if (!info) throw new WeightsFormatError(`no tensor named ${name}`);
    return info;
  }

  /** The tensor as f32 values (I32 converted; exact below 2²⁴). */
  f32(name: string): Float32Array {
    const info = this.info(name);
    return decodeF32(this.bytes.subarray(info.begin, info.end), info.dtype);
  }

  /** The tensor as f16 bit patterns (rounded to nearest even from f32 and bf16). */
  f16(name: string): Uint16Array {
    const info = this.info(name);
    return decodeF16(this.bytes.subarray(info.begin, info.end), info.dtype);
  }

  load(name: string, dtype: LoadDtype): Float32Array | Uint16Array {
    return dtype === 'f32' ? this.f32(name) : this.f16(name);
  }
}

const bf16Scratch = new Uint32Array(1);
const bf16AsFloat = new Float32Array(bf16Scratch.buffer);

/** bf16 is the top half of an f32: widening is exact. */
function bf16ToF32(bits: number): number {
  bf16Scratch[0] = bits << 16;
  return bf16AsFloat[0]!;
}

/** Little-endian stored values as f32 (I32 converted; exact below 2²⁴). */
export function decodeF32(raw: Uint8Array, dtype: StoredDtype): Float32Array {
  const count = raw.byteLength / BYTES[dtype];
  const out = new Float32Array(count);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < count; i++) {
    if (dtype === 'F32') out[i] = view.getFloat32(i * 4, true);
    else if (dtype === 'I32') out[i] = view.getInt32(i * 4, true);
    else if (dtype === 'F16') out[i] = fromF16Bits(view.getUint16(i * 2, true));
    else out[i] = bf16ToF32(view.getUint16(i * 2, true));
  }
  return out;
}

/** Little-endian stored values as f16 bit patterns (rounded to nearest even from f32 and bf16). */
export function decodeF16(raw: Uint8Array, dtype: StoredDtype): Uint16Array {
  if (dtype === 'F16') {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Uint16Array.from({ length: raw.byteLength / 2 }, (_, i) => view.getUint16(i * 2, true));
  }
  return Uint16Array.from(decodeF32(raw, dtype), toF16Bits);
}

export const bytesPerElement = (dtype: StoredDtype): number => BYTES[dtype];

/**
 * The JSON header's length from a file's first 8 bytes, checked against the file's length
 * (`fileBytes`, which may be more than `first` holds: a Blob read in pieces).
 */
export function safetensorsHeaderLength(first: Uint8Array, fileBytes: number, label: string): number {
  if (first.byteLength < 8 || fileBytes < 8) throw new WeightsFormatError(`${label}: too short to be safetensors`);
  const headerLength = Number(new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > fileBytes) {
    throw new WeightsFormatError(`${label}: header length ${headerLength} does not fit the file`);
  }
  return headerLength;
}

/** The tensors a JSON header describes, their byte ranges absolute and checked against the file's length. */
export function parseSafetensorsHeader(json: Uint8Array, fileBytes: number, label: string): { tensors: Map<string, TensorInfo>; metadata: Record<string, string> } {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(json));
  } catch {
    throw new WeightsFormatError(`${label}: header is not JSON`);
  }
  if (!isRecord(header)) throw new WeightsFormatError(`${label}: header is not a JSON object`);
  const dataStart = 8 + json.byteLength;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(entry) || !Object.values(entry).every((v) => typeof v === 'string')) throw new WeightsFormatError(`${label}: __metadata__ is not a map of strings`);
      metadata = entry as Record<string, string>;
      continue;
    }
    tensors.set(name, checkEntry(label, name, entry, dataStart, fileBytes));
  }
  return { tensors, metadata };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isByteCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * One tensor's header entry, checked against the file before anything is read or allocated from
 * it: its offsets are whole byte counts inside the data section, and its shape needs exactly the
 * bytes they span (so no later read can run past the file or size an array from a hostile shape).
 */
function checkEntry(label: string, name: string, entry: unknown, dataStart: number, fileBytes: number): TensorInfo {
  const bad = (why: string) => new WeightsFormatError(`${label}: tensor ${name.slice(0, 200)} ${why}`);
  if (!isRecord(entry)) throw bad('has no description');
  const { dtype, shape, data_offsets: offsets } = entry;
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16' && dtype !== 'I32') throw bad(`has unsupported dtype ${(typeof dtype === 'string' ? dtype : (JSON.stringify(dtype) ?? typeof dtype)).slice(0, 40)}`);
  if (!Array.isArray(shape) || !shape.every(isByteCount)) throw bad('has a bad shape');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isByteCount)) throw bad('has no data_offsets');
  const begin = dataStart + (offsets[0] as number);
  const end = dataStart + (offsets[1] as number);
  if (!(begin <= end && end <= fileBytes)) throw bad('points outside the file');
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count) || end - begin !== count * BYTES[dtype]) throw bad(`holds ${end - begin} bytes for ${count} ${dtype} values`);
  return { dtype, shape: [...shape] as number[], begin, end };
}

/** Several safetensors shards behind one name → tensor lookup (HF's model.safetensors.index.json). */
export class WeightSet {
  private readonly byName = new Map<string, SafetensorsFile>();

  constructor(files: Iterable<SafetensorsFile>) {
    for (const file of files) {
      for (const name of file.tensors.keys()) {
        if (this.byName.has(name)) throw new WeightsFormatError(`tensor ${name} appears in two shards`);
        this.byName.set(name, file);
      }
    }
  }

  /**
   * Opens the shards an index names. `index` is the parsed index JSON ({ weight_map: {name: file} })
   * and `shards` the bytes of each file it mentions.
   */
  static fromIndex(index: unknown, shards: ReadonlyMap<string, Uint8Array>): WeightSet {
    const weightMap = weightMapOf(index);
    const files = new Map<string, SafetensorsFile>();
    for (const file of new Set(Object.values(weightMap))) {
      const bytes = shards.get(file);
      if (!bytes) throw new WeightsFormatError(`shard ${file} named by the index is missing`);
      files.set(file, SafetensorsFile.parse(bytes, file));
    }
    const set = new WeightSet(files.values());
    checkShardPlacement(weightMap, (name) => set.byName.get(name), files);
    return set;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  file(name: string): SafetensorsFile {
    const file = this.byName.get(name);
    if (!file) throw new WeightsFormatError(`no tensor named ${name}`);
    return file;
  }

  info(name: string): TensorInfo {
    return this.file(name).info(name);
  }

  load(name: string, dtype: LoadDtype): Float32Array | Uint16Array {
    return this.file(name).load(name, dtype);
  }
}

/** An index's weight_map ({tensor name: shard file}), checked to be one. */
export function weightMapOf(index: unknown): Record<string, string> {
  const weightMap = (index as { weight_map?: unknown })?.weight_map;
  if (!isRecord(weightMap) || !Object.values(weightMap).every((file) => typeof file === 'string')) throw new WeightsFormatError('index has no weight_map');
  return weightMap as Record<string, string>;
}

/** Every tensor the index names is in the shard it names (`holder`: the shard that has it, if any). */
export function checkShardPlacement<Shard>(weightMap: Record<string, string>, holder: (name: string) => Shard | undefined, shards: ReadonlyMap<string, Shard>): void {
  for (const [name, file] of Object.entries(weightMap)) {
    if (holder(name) !== shards.get(file)) throw new WeightsFormatError(`index puts ${name} in ${file}, but it is not there`);
  }
}
