// Safetensors weights read from Blobs, single files or shards with their index (Hugging Face's
// model.safetensors.index.json): only the header is read when a file is opened; tensors are read
// on demand (tensor_set.ts). The header is checked exactly as weights.ts checks a file in memory.
import { checkShardPlacement, parseSafetensorsHeader, safetensorsHeaderLength, weightMapOf, WeightsFormatError } from '../weights.ts';
import { readRange } from './blob_bytes.ts';
import { BlobTensorSet, mergeTensorSets, type BlobTensor } from './tensor_set.ts';

async function tensorsOf(blob: Blob, label: string): Promise<Map<string, BlobTensor>> {
  const headerLength = safetensorsHeaderLength(await readRange(blob, 0, Math.min(8, blob.size), label), blob.size, label);
  const { tensors } = parseSafetensorsHeader(await readRange(blob, 8, 8 + headerLength, label), blob.size, label);
  return new Map([...tensors].map(([name, info]) => [name, { blob, info }]));
}

export async function openSafetensors(blob: Blob, label: string): Promise<BlobTensorSet> {
  return new BlobTensorSet(label, await tensorsOf(blob, label));
}

/** The shards an index names (`shards`: each file's Blob by the name the index uses). */
export async function openShardedSafetensors(index: unknown, shards: ReadonlyMap<string, Blob>, label: string): Promise<BlobTensorSet> {
  const weightMap = weightMapOf(index);
  const files = new Map<string, Map<string, BlobTensor>>();
  for (const file of new Set(Object.values(weightMap))) {
    const blob = shards.get(file);
    if (!blob) throw new WeightsFormatError(`${label}: shard ${file} named by the index is missing`);
    files.set(file, await tensorsOf(blob, file));
  }
  const set = mergeTensorSets(label, files);
  checkShardPlacement(weightMap, (name) => [...files.values()].find((tensors) => tensors.has(name)), files);
  return set;
}
