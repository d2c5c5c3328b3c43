// TAEHV for Wan 2.1 with random f16 weights, as a safetensors Blob with the published checkpoint's
// names and shapes (its manifest): what the device check decodes with (speed needs no real weights).
import { readFileSync } from 'node:fs';
import { toF16Array } from '../../../src/gpu/f16.ts';
import { expectedTensors, type WeightManifest } from '../../../src/model/checkpoint/manifest.ts';
import { writeSafetensors, type TensorSpec } from '../../support/safetensors_writer.ts';

export const TAEHV_MANIFEST = JSON.parse(readFileSync('models/wan/manifests/taew2.1.json', 'utf8')) as WeightManifest;

export function randomTaehvBlob(): Blob {
  let state = 54321;
  const tensors: Record<string, TensorSpec> = {};
  for (const [name, { shape }] of expectedTensors(TAEHV_MANIFEST)) {
    const count = shape.reduce((a, b) => a * b, 1);
    // A convolution's scale (1/√fan-in): activations stay of order 1 through the stack.
    const scale = shape.length >= 2 ? 2 / Math.sqrt(count / shape[0]!) : 0.1;
    const values = Float32Array.from({ length: count }, () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * scale);
    tensors[name] = { dtype: 'F16', shape, data: new Uint8Array(toF16Array(values).buffer) };
  }
  return new Blob([writeSafetensors(tensors) as Uint8Array<ArrayBuffer>]);
}
