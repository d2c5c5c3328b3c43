// Prompt → MP4 on the WebGPU backend, through the worker: tokenizer, T5 and DiT on our WGSL
// kernels, the few-step sampler on the GPU, the VAE decoder on onnxruntime-web's WebGPU EP on our
// device, WebCodecs + mp4-muxer. On tiny-test: 1:1 is 64×64 pixels, one window of 2 latent frames
// (2 video frames at 8 fps), 4 steps — small enough for SwiftShader.
import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import type { GeneratedClip, RunOutcome } from '../support/generate_page.ts';
import { HARNESS } from '../support/gpu_page.ts';
import { probe } from '../support/media.ts';

type GeneratePage = typeof import('../support/generate_page.ts');
type Request = Parameters<GeneratePage['generateClips']>[1][number];

const MANIFEST = '/models/tiny-test/manifest.json';
// Forced: 'auto' picks the WASM backend on SwiftShader (tests/gpu/generate_wasm.spec.ts covers that).
const base = { prompt: 'a red ball bounces zorblax', durationSeconds: 0.25, aspect: '1:1', shortSide: 64, backend: 'webgpu' } as const;

async function generate(page: import('@playwright/test').Page, requests: Request[]): Promise<RunOutcome['runs']> {
  await page.goto(HARNESS);
  const outcome = await page.evaluate(
    async ({ manifest, requests }) => ((await import('/tests/support/generate_page.ts' as string)) as GeneratePage).generateClips(manifest, requests),
    { manifest: MANIFEST, requests },
  );
  return outcome.runs;
}

function clipOf(run: RunOutcome['runs'][number]): GeneratedClip {
  if ('error' in run) throw new Error(`generation failed: ${run.error}`);
  return run;
}

test('the VAE decoder runs on our GPUDevice, latents handed over as a GPU buffer, and matches the PyTorch golden', async ({ page }) => {
  await page.goto(HARNESS);
  const result = await page.evaluate(async () => ((await import('/tests/support/generate_page.ts' as string)) as GeneratePage).vaeFromGpuBufferOnGoldens());
  expect(result.validationErrors).toEqual([]);
  expect(result.dims).toEqual([1, 3, 16, 24]);
  // As tests/gpu/onnx_browser.spec.ts: f32 convs of O(1) values.
  expect(result.maxAbsDiff).toBeLessThan(1e-4);
});

// One engine makes every clip the tests below check: loading the model and compiling the kernels
// on SwiftShader costs several times a tiny clip (measured: first clip 126 s, the next 23 s beside a
// training run), so they share one load instead of paying it four times.
const REQUESTS = {
  seeds: [{ ...base, seed: 7 }, { ...base, seed: 7 }, { ...base, seed: 8 }],
  cancel: [{ ...base, seed: 3, cancelAtStep: 2 }, { ...base, seed: 3 }, { ...base, seed: 3 }],
  // tiny-test: windows of 2 latent frames, 1 of them context; 0.5 s at 8 fps = 4 frames = 3 windows.
  long: [{ ...base, durationSeconds: 0.5, seed: 5 }, { ...base, durationSeconds: 0.5, seed: 5 }],
  // 7 frames at 8 fps on tiny-test = 6 windows (2 latent frames each, 1 of them context).
  memory: [{ ...base, durationSeconds: 0.875, seed: 3 }],
} satisfies Record<string, Request[]>;
let runs: Record<keyof typeof REQUESTS, RunOutcome['runs']>;

test.describe.serial('clips from one engine', () => {
  test.beforeAll(async ({ browser }) => {
    // The sum of the separate tests' limits this replaces (4 × 240 s), with room for a loaded machine.
    test.setTimeout(900_000);
    const page = await browser.newPage();
    const started = Date.now();
    const names = Object.keys(REQUESTS) as (keyof typeof REQUESTS)[];
    const all = await generate(page, names.flatMap((name) => REQUESTS[name]));
    console.log(`${all.length} clips from one engine in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    let at = 0;
    runs = Object.fromEntries(names.map((name) => [name, all.slice(at, (at += REQUESTS[name].length))])) as typeof runs;
    await page.close();
  });

  test('a prompt becomes an MP4 of the bucket\'s size, frame count and duration; the same seed gives the same frames, another seed others', async ({}, info) => {
    const [first, again, other] = runs.seeds.map(clipOf) as [GeneratedClip, GeneratedClip, GeneratedClip];
    console.log(`first clip ${first.clip.elapsedMs.toFixed(0)} ms, second ${again.clip.elapsedMs.toFixed(0)} ms`);

    expect(first.clip).toMatchObject({ width: 64, height: 64, fps: 8, frameCount: 2, backend: 'webgpu' });
    expect(first.clip.unknownWords).toEqual(['zorblax']);
    expect(first.frameHashes).toHaveLength(2);
    // Progress: text, each of the 4 denoising steps, decoding, encoding per frame, done; never backwards.
    const phases = first.progress.map((p) => p.split(' ')[0]);
    expect(phases).toEqual(['text', 'denoising', 'denoising', 'denoising', 'denoising', 'decoding', 'encoding', 'encoding', 'done']);
    const fractions = first.progress.map((p) => Number(p.split(' ')[1]));
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));

    const file = info.outputPath('seed7.mp4');
    writeFileSync(file, Uint8Array.from(first.mp4));
    const video = probe(file);
    expect(video).toMatchObject({ width: 64, height: 64, frames: 2 });
    expect(video.durationSeconds).toBeCloseTo(0.25, 2);

    // Determinism on the frames before encoding: same prompt + seed ⇒ the same RGBA bytes.
    expect(again.frameHashes).toEqual(first.frameHashes);
    expect(other.frameHashes[0]).not.toEqual(first.frameHashes[0]);
    expect(other.frameHashes[1]).not.toEqual(first.frameHashes[1]);
    // Two frames from different noise are different pictures.
    expect(first.frameHashes[0]).not.toEqual(first.frameHashes[1]);
  });

  test('cancel mid-denoising rejects as cancelled, and the next run succeeds with the same frames as an uninterrupted one', () => {
    expect(runs.cancel[0]).toEqual({ error: 'cancelled: Cancelled. Nothing was saved from this run.' });
    const after = clipOf(runs.cancel[1]!);
    const again = clipOf(runs.cancel[2]!);
    expect(after.clip.frameCount).toBe(2);
    expect(after.frameHashes).toHaveLength(2);
    expect(again.frameHashes).toEqual(after.frameHashes);
  });

  test('a longer clip is made window after window by the chunk contract, deterministically', async ({}, info) => {
    const [first, again] = runs.long.map(clipOf) as [GeneratedClip, GeneratedClip];
    expect(first.clip.frameCount).toBe(4);
    expect(first.frameHashes).toHaveLength(4);
    expect(new Set(first.frameHashes).size).toBe(4);
    expect(again.frameHashes).toEqual(first.frameHashes);
    // Three windows' denoising steps (4 each), and progress never goes backwards.
    expect(first.progress.filter((p) => p.startsWith('denoising'))).toHaveLength(12);
    const fractions = first.progress.map((p) => Number(p.split(' ')[1]));
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    const file = info.outputPath('long.mp4');
    writeFileSync(file, Uint8Array.from(first.mp4));
    const video = probe(file);
    expect(video).toMatchObject({ width: 64, height: 64, frames: 4 });
    expect(video.durationSeconds).toBeCloseTo(0.5, 2);
  });

  test('GPU memory stays flat over a clip: the live-byte peak after window 3 equals the peak after the last', () => {
    const { clip } = clipOf(runs.memory[0]!);
    const peaks = clip.peakLiveBytesPerWindow ?? [];
    expect(peaks).toHaveLength(6);
    expect(peaks.every((bytes) => bytes > 0)).toBe(true);
    // Window 1 holds no previous window's latents; from window 2 on every window holds the same.
    expect(peaks.slice(2)).toEqual(Array(4).fill(peaks[2]));
    console.log(`live-byte peak per window (bytes): ${peaks.join(', ')}`);
  });
});
