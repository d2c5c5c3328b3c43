// A model part's weights: one `<part>.safetensors`, or, for a part over the 16 MiB file limit,
// shards named by `<part>.safetensors.index.json` (Hugging Face's {metadata, weight_map}, as
// models/train/export_zoetrope_s.py writes them). The WGSL engine reads them as one WeightSet;
// ONNX Runtime gets every shard as external data, under the file names the graph's initializers use.
import { SafetensorsFile, WeightSet, WeightsFormatError } from './weights.ts';

export interface WeightFile {
  path: string;
  bytes: Uint8Array;
}

type Files = ReadonlyMap<string, Uint8Array>;

const indexPathOf = (part: string) => `${part}.safetensors.index.json`;

/** The safetensors files holding `part`, in shard order. */
export function partWeightFiles(files: Files, part: string): WeightFile[] {
  const index = files.get(indexPathOf(part));
  const paths = index ? shardPaths(parseIndex(index, part), part) : [`${part}.safetensors`];
  return paths.map((path) => {
    const bytes = files.get(path);
    if (!bytes) throw new WeightsFormatError(`the model has no ${path}`);
    return { path, bytes };
  });
}

/** All of `part`'s tensors, from one file or from its shards (checked against the index). */
export function partWeightSet(files: Files, part: string): WeightSet {
  const index = files.get(indexPathOf(part));
  if (!index) {
    const [single] = partWeightFiles(files, part);
    return new WeightSet([SafetensorsFile.parse(single!.bytes, single!.path)]);
  }
  const shards = new Map(partWeightFiles(files, part).map(({ path, bytes }) => [path, bytes]));
  return WeightSet.fromIndex(parseIndex(index, part), shards);
}

function parseIndex(bytes: Uint8Array, part: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new WeightsFormatError(`${indexPathOf(part)} is not valid JSON`);
  }
}

function shardPaths(index: unknown, part: string): string[] {
  const weightMap = (index as { weight_map?: unknown })?.weight_map;
  if (!weightMap || typeof weightMap !== 'object') throw new WeightsFormatError(`${indexPathOf(part)} has no weight_map`);
  return [...new Set(Object.values(weightMap as Record<string, unknown>).map(String))].sort();
}
