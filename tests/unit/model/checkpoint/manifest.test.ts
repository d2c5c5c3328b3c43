// The manifest check: a checkpoint whose tensors differ from the published one's (renamed, missing,
// extra, reshaped, integer where float belongs) is refused with one error that lists each difference.
import { describe, expect, it } from 'vitest';
import { checkAgainstManifest, expectedTensors, ManifestMismatchError } from '../../../../src/model/checkpoint/manifest.ts';
import { wanManifest } from '../../support/wan_twins.ts';

const dit = wanManifest('wan2.1-t2v-1.3b-dit');
const full = () => expectedTensors(dit);

describe('checking tensors against a published checkpoint\'s manifest', () => {
  it('accepts the manifest\'s own listing, in any float dtype', () => {
    expect(full().size).toBe(825);
    checkAgainstManifest(full(), dit);
    const bf16 = new Map([...full()].map(([name, t]) => [name, { ...t, dtype: 'BF16' as const }]));
    checkAgainstManifest(bf16, dit);
  });

  it('keeps the first blocks at reduced depth and replaces the shapes a twin changes', () => {
    const two = expectedTensors(dit, { layers: 2 });
    expect(two.has('blocks.1.ffn.2.bias')).toBe(true);
    expect(two.has('blocks.2.ffn.2.bias')).toBe(false);
    expect(two.has('blocks.10.ffn.2.bias')).toBe(false); // 10 is not block 1 with a 0 after it
    expect(two.size).toBe(15 + 2 * 27); // 15 outside the blocks, 27 in each
    const t5 = expectedTensors(wanManifest('umt5-xxl-encoder'), { layers: 1, shapes: { 'token_embedding.weight': [384, 4096] } });
    expect(t5.get('token_embedding.weight')!.shape).toEqual([384, 4096]);
  });

  it('lists a renamed, a missing, an extra and a reshaped tensor, each by name', () => {
    const found = full();
    found.set('blocks.3.self_attn.query.weight', found.get('blocks.3.self_attn.q.weight')!);
    found.delete('blocks.3.self_attn.q.weight');
    found.delete('head.modulation');
    found.set('img_emb.proj.0.weight', { dtype: 'F32', shape: [1280] });
    found.set('patch_embedding.weight', { dtype: 'F32', shape: [1536, 36, 1, 2, 2] }); // an image-to-video model's
    let error: unknown;
    try {
      checkAgainstManifest(found, dit, {}, 'model.safetensors');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestMismatchError);
    const { message, missing, unexpected, wrongShape } = error as ManifestMismatchError;
    expect(message).toContain("model.safetensors does not match wan2.1-t2v-1.3b-dit's tensors:");
    expect(message).toContain('1 renamed?: blocks.3.self_attn.q.weight → blocks.3.self_attn.query.weight');
    expect(missing).toEqual(['blocks.3.self_attn.q.weight', 'head.modulation']);
    expect(unexpected).toEqual(['blocks.3.self_attn.query.weight', 'img_emb.proj.0.weight']);
    expect(wrongShape).toEqual(['patch_embedding.weight: F32 [1536, 36, 1, 2, 2], expected F32 [1536, 16, 1, 2, 2]']);
  });

  it('refuses integer tensors where float weights belong, and shortens a long list with its count', () => {
    const found = new Map([...full()].map(([name, t]) => [name, { ...t, dtype: 'I32' as const }]));
    expect(() => checkAgainstManifest(found, dit)).toThrow(/825 with the wrong shape or dtype: patch_embedding\.weight: I32 .*; … 813 more/);
    expect(() => checkAgainstManifest(new Map(), dit)).toThrow(/825 missing: patch_embedding\.weight; .*… 813 more/);
  });
});
