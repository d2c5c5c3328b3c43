// The published formats at the real widths: the Wan twins (models/wan/make_twins.py) read through
// the Blob readers, checked against the manifests of the real checkpoints (at the twins' depth),
// and their numbers checked against the PyTorch goldens where a golden is a direct function of
// the weights (an embedding lookup, the patch embedding, TAEHV's first convolution).
import { describe, expect, it } from 'vitest';
import { checkAgainstManifest, listingOf } from '../../../../src/model/checkpoint/manifest.ts';
import { PthFile } from '../../../../src/model/checkpoint/pth.ts';
import { openSafetensors, openShardedSafetensors } from '../../../../src/model/checkpoint/safetensors_blob.ts';
import type { BlobTensorSet } from '../../../../src/model/checkpoint/tensor_set.ts';
import { twinFile, twinGoldens, wanManifest, wanTwin, type Twin } from '../../support/wan_twins.ts';

const reductionOf = (twin: Twin) => ({ layers: twin.layers ?? undefined, shapes: twin.shapes });

async function openTwin(twin: Twin): Promise<BlobTensorSet> {
  if (twin.format === 'pth') return (await PthFile.open(await twinFile(twin, twin.files[0]!), twin.files[0]!)).stateDict(twin.container ?? undefined);
  const index = twin.files.find((f) => f.endsWith('.index.json'));
  if (!index) return openSafetensors(await twinFile(twin, twin.files[0]!), twin.files[0]!);
  const shards = new Map(await Promise.all(twin.files.filter((f) => f !== index).map(async (f) => [f, await twinFile(twin, f)] as const)));
  return openShardedSafetensors(JSON.parse(await (await twinFile(twin, index)).text()), shards, index);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('Wan twins in the published formats', () => {
  it.each(['dit', 'dit-sharded', 'self-forcing', 'umt5', 'taehv'])('%s: names, shapes and dtypes are the real checkpoint\'s manifest at the twin\'s depth', async (name) => {
    const twin = wanTwin(name);
    const set = await openTwin(twin);
    const manifest = wanManifest(twin.manifest);
    checkAgainstManifest(listingOf(set), manifest, reductionOf(twin), name);
    expect(new Set(set.names.map((n) => set.info(n).dtype))).toEqual(new Set([twin.dtype]));
  });

  it('the text encoder twin is not the full checkpoint: the full manifest lists the 23 missing blocks and the cut vocabulary', async () => {
    const twin = wanTwin('umt5');
    const set = await openTwin(twin);
    expect(() => checkAgainstManifest(listingOf(set), wanManifest(twin.manifest), {}, 'umt5 twin')).toThrow(
      /230 missing: blocks\.1\.norm1\.weight; .*\n.*1 with the wrong shape or dtype: token_embedding\.weight: BF16 \[384, 4096\], expected BF16 \[256384, 4096\]/s,
    );
  });

  it('umT5 (.pth, bf16): the token embedding rows read one at a time are the golden lookup', async () => {
    const twin = wanTwin('umt5');
    const set = await openTwin(twin);
    const goldens = twinGoldens(twin);
    const ids = goldens.f32('input.ids');
    const lookup = goldens.f32('token_embedding');
    const dim = 4096;
    for (let t = 0; t < ids.length; t++) {
      const row = await set.load('token_embedding.weight', 'f32', { first: ids[t]!, count: 1 });
      // bf16 widens to f32 exactly and a lookup does no arithmetic: equal.
      expect(maxAbsDiff(row, lookup.subarray(t * dim, (t + 1) * dim))).toBe(0);
    }
  });

  it('DiT (safetensors, f32): the patch embedding computed from the read weights is the golden', async () => {
    const twin = wanTwin('dit');
    const set = await openTwin(twin);
    const goldens = twinGoldens(twin);
    const x = goldens.f32('input.x'); // (16, F=2, H=4, W=4)
    const weight = (await set.load('patch_embedding.weight', 'f32')) as Float32Array; // (1536, 16, 1, 2, 2)
    const bias = (await set.load('patch_embedding.bias', 'f32')) as Float32Array;
    const golden = goldens.f32('patch_embedding'); // (8 tokens in (f, h, w) order, 1536)
    const dim = 1536;
    const got = new Float32Array(8 * dim);
    for (let f = 0; f < 2; f++) for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) {
      const token = (f * 2 + h) * 2 + w;
      for (let d = 0; d < dim; d++) {
        let sum = bias[d]!;
        for (let c = 0; c < 16; c++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
          sum += weight[d * 64 + c * 4 + i * 2 + j]! * x[((c * 2 + f) * 4 + 2 * h + i) * 4 + 2 * w + j]!;
        }
        got[token * dim + d] = sum;
      }
    }
    expect(maxAbsDiff(got, golden)).toBeLessThan(1e-5); // 64-term f32 sums, another order
  });

  it('Self-Forcing (.pt, generator_ema) holds the DiT\'s weights under model.; the bf16 shards hold them rounded', async () => {
    const dit = await openTwin(wanTwin('dit'));
    const ema = await openTwin(wanTwin('self-forcing'));
    const bf16 = await openTwin(wanTwin('dit-sharded'));
    for (const name of ['head.head.weight', 'blocks.0.modulation', 'blocks.0.self_attn.norm_q.weight']) {
      const reference = await dit.load(name, 'f32');
      expect(maxAbsDiff(await ema.load(`model.${name}`, 'f32'), reference)).toBe(0); // the same f32 numbers stored twice
      const rounded = await bf16.load(name, 'f32');
      // bf16 keeps 8 significant bits: rounding to nearest errs by at most 2^-8 of the value.
      let worst = 0;
      for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(rounded[i]! - reference[i]!) / Math.abs(reference[i]!));
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(2 ** -8);
    }
  });

  it('TAEHV (.pth, f16): its first convolution computed from the read weights is the golden', async () => {
    const twin = wanTwin('taehv');
    const set = await openTwin(twin);
    const goldens = twinGoldens(twin);
    const input = goldens.f32('decoder.0'); // soft-clamped latents (T=3, 16, 4, 4)
    const weight = await set.load('decoder.1.weight', 'f32'); // (256, 16, 3, 3)
    const bias = await set.load('decoder.1.bias', 'f32');
    const golden = goldens.f32('decoder.1'); // (3, 256, 4, 4)
    const got = new Float32Array(golden.length);
    for (let t = 0; t < 3; t++) for (let o = 0; o < 256; o++) for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {
      let sum = bias[o]!;
      for (let c = 0; c < 16; c++) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        if (y + dy < 0 || y + dy >= 4 || x + dx < 0 || x + dx >= 4) continue;
        sum += weight[((o * 16 + c) * 3 + dy + 1) * 3 + dx + 1]! * input[((t * 16 + c) * 4 + y + dy) * 4 + x + dx]!;
      }
      got[((t * 256 + o) * 4 + y) * 4 + x] = sum;
    }
    expect(maxAbsDiff(got, golden)).toBeLessThan(1e-4); // 144-term f32 sums of values up to ~3, another order
  });
});
