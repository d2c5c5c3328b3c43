// The fit verdict for the Wan family (src/model/wan_fit.ts): sizes, phases and the adapter's limits.
import { describe, expect, it } from 'vitest';
import { wanFit, wanLatentFrames, type WanModelChoice } from '../../../src/model/wan_fit.ts';

type Gpu = Parameters<typeof wanFit>[1];
const gpu = (f16: boolean, binding: number, buffer: number) =>
  ({ features: { 'shader-f16': f16, 'timestamp-query': false, subgroups: false }, limits: { maxStorageBufferBindingSize: binding, maxBufferSize: buffer } }) as unknown as Gpu;
const big = gpu(true, 4 * 2 ** 30, 4 * 2 ** 30);
const defaults = gpu(true, 128 * 2 ** 20, 256 * 2 ** 20);
const noF16 = gpu(false, 4 * 2 ** 30, 4 * 2 ** 30);

const full: WanModelChoice = { sampler: 'self-forcing-4', height: 480, width: 832, seconds: 5 };

describe('wanFit', () => {
  it('counts latent frames as Wan does: 81 frames (5 s) are 21 latents', () => {
    expect(wanLatentFrames(5)).toBe(21);
    expect(wanLatentFrames(1)).toBe(5);
  });

  it("Self-Forcing at 480×832 for 5 s: 32 760 tokens, a ≈6 GB KV cache, Self-Forcing's download", () => {
    const fit = wanFit(full, big);
    expect(fit.tokens).toBe(32_760);
    expect(fit.runs).toBe(true);
    const denoise = fit.phases.find((p) => p.name === 'denoise')!;
    // f16 weights 2.84 GB + KV cache 2·30·32 760·1536·2 = 6.04 GB + a chunk's activations.
    expect(denoise.peakBytes / 1e9).toBeGreaterThan(8.9);
    expect(denoise.peakBytes / 1e9).toBeLessThan(9.5);
    expect(fit.parts.map((p) => p.label)).toEqual([expect.stringMatching(/Self-Forcing/), expect.stringMatching(/umT5/), expect.stringMatching(/TAEHV/)]);
    expect(fit.downloadBytes).toBe(5_680_000_000 + 11_400_000_000 + 22_700_000);
  });

  it('the text phase holds the int8 blocks only (4.6 GB), not the 1 B-parameter token table', () => {
    const text = wanFit(full, big).phases.find((p) => p.name === 'text')!;
    expect(text.peakBytes / 1e9).toBeGreaterThan(4.6);
    expect(text.peakBytes / 1e9).toBeLessThan(4.7);
  });

  it('the base model binds the whole clip: over the default 128 MiB binding at 480×832, within it at 320×512 for 2 s', () => {
    const base = { ...full, sampler: 'flow-matching-50' as const };
    const fit = wanFit(base, defaults);
    expect(fit.runs).toBe(false);
    expect(fit.problems.join(' ')).toMatch(/binding limit: choose a smaller size or fewer seconds/);
    expect(wanFit({ ...base, height: 320, width: 512, seconds: 1 }, defaults).runs).toBe(true);
  });

  it('needs shader-f16', () => {
    const fit = wanFit(full, noF16);
    expect(fit.runs).toBe(false);
    expect(fit.problems[0]).toMatch(/shader-f16/);
  });
});
