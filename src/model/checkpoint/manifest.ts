// Key-and-shape manifests of published checkpoints (models/wan/manifests/*.json, written by
// models/wan/manifests.py from upstream's module definitions): a file's tensors are checked
// against them before anything is converted, so a renamed, missing, extra or reshaped tensor is
// one clear error that lists what differs, not a failure deep inside the engine.
import { WeightsFormatError, type StoredDtype, type TensorInfo } from '../weights.ts';

export interface WeightManifest {
  name: string;
  files: string[];
  format: 'safetensors' | 'pth';
  /** The key of the root dict that holds the state dict (Self-Forcing's 'generator_ema'), if any. */
  container: string | null;
  /** Where the repeated blocks are, for a check at reduced depth. */
  layers: { prefix: string; count: number } | null;
  parameters: number;
  tensors: Record<string, [StoredDtype, number[]]>;
}

/** A twin's (or a test file's) departure from the published checkpoint: fewer blocks, some shapes replaced. */
export interface Reduction {
  layers?: number;
  shapes?: Record<string, number[]>;
}

type Listing = ReadonlyMap<string, Pick<TensorInfo, 'dtype' | 'shape'>>;

/** What a checkpoint following `manifest`, reduced by `reduction`, holds: name → dtype and shape. */
export function expectedTensors(manifest: WeightManifest, reduction: Reduction = {}): Map<string, Pick<TensorInfo, 'dtype' | 'shape'>> {
  const out = new Map<string, Pick<TensorInfo, 'dtype' | 'shape'>>();
  const prefix = manifest.layers?.prefix;
  for (const [name, [dtype, shape]] of Object.entries(manifest.tensors)) {
    if (reduction.layers !== undefined && prefix && name.startsWith(prefix)) {
      const layer = Number(/^\d+/.exec(name.slice(prefix.length))?.[0]);
      if (layer >= reduction.layers) continue;
    }
    out.set(name, { dtype, shape: reduction.shapes?.[name] ?? shape });
  }
  return out;
}

export class ManifestMismatchError extends WeightsFormatError {
  constructor(
    message: string,
    readonly missing: string[],
    readonly unexpected: string[],
    readonly wrongShape: string[],
  ) {
    super(message);
  }
}

const FLOAT_DTYPES = new Set<StoredDtype>(['F32', 'F16', 'BF16']);
/** Names listed per kind of difference; the counts are always given in full. */
const SHOWN = 12;

/**
 * Throws a ManifestMismatchError unless `found` has exactly the expected names with the expected
 * shapes. Any float dtype is accepted (bf16 and f16 repacks of an f32 original are common, and all
 * are converted on load); an integer tensor where a float one belongs is a mismatch.
 */
export function checkAgainstManifest(found: Listing, manifest: WeightManifest, reduction: Reduction = {}, label = manifest.name): void {
  const expected = expectedTensors(manifest, reduction);
  const missing = [...expected.keys()].filter((name) => !found.has(name));
  const unexpected = [...found.keys()].filter((name) => !expected.has(name));
  const wrongShape: string[] = [];
  for (const [name, want] of expected) {
    const got = found.get(name);
    if (!got) continue;
    const sameShape = got.shape.length === want.shape.length && got.shape.every((d, i) => d === want.shape[i]);
    const dtypeFits = FLOAT_DTYPES.has(want.dtype) ? FLOAT_DTYPES.has(got.dtype) : got.dtype === want.dtype;
    if (!sameShape || !dtypeFits) wrongShape.push(`${name}: ${got.dtype} [${got.shape.join(', ')}], expected ${want.dtype} [${want.shape.join(', ')}]`);
  }
  if (missing.length + unexpected.length + wrongShape.length === 0) return;

  const lines = [`${label} does not match ${manifest.name}'s tensors${reduction.layers !== undefined ? ` (first ${reduction.layers} blocks)` : ''}:`];
  const renamed = likelyRenames(missing, unexpected, expected, found);
  const list = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push(`  ${items.length} ${title}: ${items.slice(0, SHOWN).join('; ')}${items.length > SHOWN ? `; … ${items.length - SHOWN} more` : ''}`);
  };
  list('renamed?', renamed);
  list('missing', missing);
  list('unexpected', unexpected);
  list('with the wrong shape or dtype', wrongShape);
  throw new ManifestMismatchError(lines.join('\n'), missing, unexpected, wrongShape);
}

/** Missing and unexpected names that pair up by shape and differ only in one dotted part: likely renames. */
function likelyRenames(missing: string[], unexpected: string[], expected: Listing, found: Listing): string[] {
  const out: string[] = [];
  const free = new Set(unexpected);
  for (const want of missing.slice(0, 1000)) {
    const parts = want.split('.');
    const match = [...free].find((got) => {
      const other = got.split('.');
      const differing = other.length === parts.length ? other.filter((p, i) => p !== parts[i]).length : Infinity;
      return differing === 1 && `${found.get(got)!.shape}` === `${expected.get(want)!.shape}`;
    });
    if (match) {
      free.delete(match);
      out.push(`${want} → ${match}`);
    }
  }
  return out;
}

/** The dtype and shape of every tensor in a set (what the check compares). */
export function listingOf(set: { names: string[]; info(name: string): TensorInfo }): Listing {
  return new Map(set.names.map((name) => {
    const { dtype, shape } = set.info(name);
    return [name, { dtype, shape }];
  }));
}
