// A Wan 2.1 1.3B DiT block with random f16 weights at the real widths, as a TensorSource: what the
// device check times (the real weights are not needed to measure speed). Names and shapes come from
// the published checkpoint's manifest, first block only.
import { readFileSync } from 'node:fs';
import { toF16Array } from '../../../src/gpu/f16.ts';
import { expectedTensors, type WeightManifest } from '../../../src/model/checkpoint/manifest.ts';
import type { TensorSource } from '../../../src/model/gpu_weights.ts';
import type { LoadDtype } from '../../../src/model/weights.ts';

export function randomWanDit(layers = 1): TensorSource {
  const manifest = JSON.parse(readFileSync('models/wan/manifests/wan2.1-t2v-1.3b-dit.json', 'utf8')) as WeightManifest;
  const tensors = expectedTensors(manifest, { layers });
  let state = 12345;
  const values = (count: number, scale: number) =>
    Float32Array.from({ length: count }, () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * scale);
  return {
    names: [...tensors.keys()],
    info: (name) => ({ shape: tensors.get(name)!.shape }),
    load: (name: string, dtype: LoadDtype) => {
      const { shape } = tensors.get(name)!;
      const count = shape.reduce((a, b) => a * b, 1);
      // Weights of a Linear's scale (1/√fan-in): activations stay of order 1 through the block.
      const data = values(count, shape.length >= 2 ? 2 / Math.sqrt(count / shape[0]!) : 0.1);
      return dtype === 'f32' ? data : toF16Array(data);
    },
  };
}
