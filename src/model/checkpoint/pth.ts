// PyTorch checkpoints (`.pth`, `.pt`: torch.save of a state dict, or of a dict holding state
// dicts) read from a Blob without running anything from them. The zip holds `<prefix>/data.pkl`,
// a pickle of the dict whose tensors refer to storages `<prefix>/data/<key>` (raw little-endian
// bytes). The pickle is read by pickle.ts with this file's allow-list: the only globals a state
// dict needs (an OrderedDict, the tensor rebuild functions, three storage types); torch's other
// globals — `torch.storage._load_from_bytes` (a nested torch.load) among them — are refused.
import { WeightsFormatError, bytesPerElement, type StoredDtype, type TensorInfo } from '../weights.ts';
import { PickleDict, PickleGlobal, PickleTuple, unpickle, type PickleValue, type UnpickleHooks } from './pickle.ts';
import { BlobTensorSet, type BlobTensor } from './tensor_set.ts';
import { ZipArchive } from './zip.ts';

/** A state dict's pickle is kilobytes (names and shapes); this is generous. */
const MAX_PICKLE_BYTES = 64 * 1024 * 1024;

const STORAGE_DTYPES: Record<string, StoredDtype> = {
  'torch.FloatStorage': 'F32',
  'torch.HalfStorage': 'F16',
  'torch.BFloat16Storage': 'BF16',
};
const ORDERED_DICT = 'collections.OrderedDict';
const REBUILD_TENSOR = 'torch._utils._rebuild_tensor_v2';
/** nn.Parameter objects pickled as such (torch.save(model.named_parameters())-style dicts). */
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';
const ALLOWED = new Set([ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER, ...Object.keys(STORAGE_DTYPES)]);

class StorageRef {
  constructor(readonly key: string, readonly dtype: StoredDtype, readonly numel: number) {}
}

class TensorRef {
  constructor(readonly storage: StorageRef, readonly offset: number, readonly shape: number[]) {}
}

export class PthFile {
  private constructor(
    readonly label: string,
    private readonly archive: ZipArchive,
    private readonly prefix: string,
    /** The unpickled object: the state dict, or a dict holding state dicts. */
    readonly root: PickleValue,
  ) {}

  static async open(blob: Blob, label: string): Promise<PthFile> {
    const archive = await ZipArchive.open(blob, label);
    const pickles = [...archive.entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
    if (pickles.length !== 1) throw new WeightsFormatError(`${label}: is a zip but not a PyTorch checkpoint (${pickles.length === 0 ? 'no' : 'several'} <name>/data.pkl)`);
    const prefix = pickles[0]!.slice(0, -'data.pkl'.length);
    const byteorder = archive.entries.has(`${prefix}byteorder`) ? new TextDecoder().decode(await archive.read(`${prefix}byteorder`, 16)) : 'little';
    if (byteorder !== 'little') throw new WeightsFormatError(`${label}: was saved ${byteorder.slice(0, 16)}-endian`);
    const root = unpickleCheckpoint(await archive.read(pickles[0]!, MAX_PICKLE_BYTES), `${label}: ${pickles[0]}`);
    return new PthFile(label, archive, prefix, root);
  }

  /** Keys of the root dict (e.g. 'generator', 'generator_ema' of a training checkpoint). */
  get keys(): string[] {
    return this.root instanceof PickleDict ? [...this.root.entries.keys()].map(String) : [];
  }

  /**
   * The tensors of the state dict at the root, or under `container` (a key of the root dict), with
   * their byte ranges located and checked: each storage's size against the file, each tensor inside
   * its storage and contiguous.
   */
  stateDict(container?: string): BlobTensorSet {
    const where = container === undefined ? 'the checkpoint' : `'${container.slice(0, 100)}'`;
    const dict = container === undefined ? this.root : this.root instanceof PickleDict ? this.root.entries.get(container) : undefined;
    if (!(dict instanceof PickleDict)) {
      const keys = this.keys.slice(0, 20).join(', ');
      throw new WeightsFormatError(`${this.label}: ${where} is not a dict of tensors${container !== undefined ? ` (the checkpoint holds: ${keys || 'no dict'})` : ''}`);
    }
    const tensors = new Map<string, BlobTensor>();
    for (const [key, value] of dict.entries) {
      const name = String(key);
      if (!(value instanceof TensorRef)) throw new WeightsFormatError(`${this.label}: ${where} holds ${name.slice(0, 200)}, which is not a tensor`);
      tensors.set(name, { blob: this.archive.blob, info: this.locate(name, value) });
    }
    return new BlobTensorSet(container === undefined ? this.label : `${this.label} ${container}`, tensors);
  }

  private locate(name: string, tensor: TensorRef): TensorInfo {
    const { storage } = tensor;
    const path = `${this.prefix}data/${storage.key}`;
    const entry = this.archive.entries.get(path);
    const bad = (why: string) => new WeightsFormatError(`${this.label}: tensor ${name.slice(0, 200)} ${why}`);
    if (!entry) throw bad(`refers to storage ${storage.key.slice(0, 40)}, which the file does not have`);
    const element = bytesPerElement(storage.dtype);
    if (entry.size !== storage.numel * element) throw bad(`has a storage of ${entry.size} bytes for ${storage.numel} ${storage.dtype} values`);
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(count) || tensor.offset + count > storage.numel) throw bad(`needs ${tensor.offset} + ${count} values of a storage of ${storage.numel}`);
    const begin = entry.dataBegin + tensor.offset * element;
    return { dtype: storage.dtype, shape: tensor.shape, begin, end: begin + count * element };
  }
}

/** A checkpoint's data.pkl read with the state-dict allow-list (tensors as references to storages). */
export function unpickleCheckpoint(bytes: Uint8Array, label: string): PickleValue {
  return unpickle(bytes, torchHooks(label), label);
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function countsOf(value: PickleValue, what: string, label: string): number[] {
  if (!(value instanceof PickleTuple) || !value.items.every(isCount) || value.items.length > 8) {
    throw new WeightsFormatError(`${label}: a tensor's ${what} is not a tuple of at most 8 whole numbers`);
  }
  return value.items as number[];
}

/** Row-major strides of `shape`; a dimension of size 1 may have any stride (torch leaves them as they fall). */
function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

function torchHooks(label: string): UnpickleHooks {
  const bad = (why: string) => new WeightsFormatError(`${label}: ${why}`);
  return {
    refuseGlobal(global) {
      if (ALLOWED.has(global.qualifiedName)) return null;
      return /^torch\.\w+Storage$/.test(global.qualifiedName) ? 'only float32, float16 and bfloat16 tensors are read' : 'a state dict does not use it';
    },
    reduce(callable, args) {
      const name = callable instanceof PickleGlobal ? callable.qualifiedName : null;
      if (name === ORDERED_DICT) {
        if (args.items.length !== 0) throw bad('builds an OrderedDict from arguments');
        return new PickleDict();
      }
      if (name === REBUILD_TENSOR) return rebuildTensor(args, label);
      if (name === REBUILD_PARAMETER) {
        const [data] = args.items;
        if (!(data instanceof TensorRef)) throw bad('rebuilds a parameter from something that is not a tensor');
        return data;
      }
      throw bad(`calls ${name ?? 'something that is not a global'}, which only names a type here; refused`);
    },
    build(target, state) {
      // An OrderedDict's state is its attributes: a state dict's `_metadata` (module versions).
      if (!(target instanceof PickleDict) || !(state instanceof PickleDict)) throw bad('sets state on something other than a dict; refused');
    },
    persistentLoad(pid) {
      const items = pid instanceof PickleTuple ? pid.items : [];
      const [kind, type, key, , numel] = items;
      const dtype = type instanceof PickleGlobal ? STORAGE_DTYPES[type.qualifiedName] : undefined;
      if (items.length !== 5 || kind !== 'storage' || typeof key !== 'string' || !isCount(numel)) throw bad('has a persistent id that is not a tensor storage');
      if (!dtype) throw bad(`has a storage of type ${type instanceof PickleGlobal ? type.qualifiedName : '?'}; only float32, float16 and bfloat16 are read`);
      return new StorageRef(key, dtype, numel);
    },
  };
}

/** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
function rebuildTensor(args: PickleTuple, label: string): TensorRef {
  const [storage, offset, size, stride] = args.items;
  if (args.items.length < 6 || args.items.length > 7 || !(storage instanceof StorageRef) || !isCount(offset)) {
    throw new WeightsFormatError(`${label}: rebuilds a tensor from arguments that are not a storage, an offset, a size and a stride`);
  }
  const shape = countsOf(size!, 'size', label);
  const strides = countsOf(stride!, 'stride', label);
  if (strides.length !== shape.length || !isContiguous(shape, strides)) throw new WeightsFormatError(`${label}: has a tensor that is not contiguous (size ${shape}, stride ${strides})`);
  return new TensorRef(storage, offset, shape);
}
