// zoetrope-s's geometry on both backends, before its weights exist: a random model with its latent
// (32 channels, a 16× VAE with patchify and pixel shuffle), buckets (256 px short side) and chunk
// (4 latent frames = 4 × 8 × 8 = 256 DiT tokens at 1:1), but tiny widths, made fresh by
// models/train/make_geometry_model.py. The WGSL engine and ORT's WASM EP must make the same frames.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { ClipRequest, GeneratedClip, RunOutcome } from '../support/generate_page.ts';
import { HARNESS } from '../support/gpu_page.ts';
import { probe } from '../support/media.ts';
import { ModelServer } from '../support/model_server.ts';

type GeneratePage = typeof import('../support/generate_page.ts');

const PYTHON = '/usr/bin/python3';
// 4 frames at 12 fps: one window of 4 latent frames.
const base = { prompt: 'a red ball bounces on a sunset', durationSeconds: 4 / 12, aspect: '1:1', shortSide: 256, seed: 3 } as const;

let folder: string;
let server: ModelServer;

test.beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'zoetrope-geometry-'));
  execFileSync(PYTHON, ['models/train/make_geometry_model.py', folder], { stdio: 'pipe' });
  server = new ModelServer(folder);
  await server.start();
});

test.afterAll(async () => {
  await server?.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function generate(page: Page, requests: ClipRequest[]): Promise<GeneratedClip[]> {
  await page.goto(HARNESS);
  const outcome: RunOutcome = await page.evaluate(
    async ({ manifest, requests }) => ((await import('/tests/support/generate_page.ts' as string)) as GeneratePage).generateClips(manifest, requests),
    { manifest: `${server.url}/manifest.json`, requests },
  );
  return outcome.runs.map((run) => {
    if ('error' in run) throw new Error(`generation failed: ${run.error}`);
    return run as GeneratedClip;
  });
}

test('the 16× VAE and 256-token windows run on WebGPU and WASM, with the same frames', async ({ page }, info) => {
  test.setTimeout(300_000);
  const request = { ...base, keepFrames: true };
  const [gpu, cpu, wide] = await generate(page, [
    { ...request, backend: 'webgpu' },
    { ...request, backend: 'wasm' },
    { ...base, aspect: '16:9', backend: 'wasm' }, // 448 tokens a window
  ]);
  for (const [run, name, width, height] of [[gpu!, 'webgpu', 256, 256], [cpu!, 'wasm', 256, 256], [wide!, 'wide', 448, 256]] as const) {
    const file = info.outputPath(`${name}.mp4`);
    writeFileSync(file, Uint8Array.from(run.mp4));
    expect(probe(file)).toMatchObject({ width, height, frames: 4 });
  }
  expect(gpu!.clip.backend).toBe('webgpu');
  expect(cpu!.clip.backend).toBe('wasm');
  let sum = 0;
  let max = 0;
  let count = 0;
  gpu!.frames!.forEach((frame, f) => frame.forEach((v, i) => {
    if (i % 4 === 3) return;
    const d = Math.abs(v - cpu!.frames![f]![i]!);
    sum += d;
    max = Math.max(max, d);
    count += 1;
  }));
  console.log(`geometry-test, WASM vs WebGPU: mean |Δ| ${(sum / count).toFixed(6)} per channel value, max ${max}`);
  // f32 rounding of two implementations (our WGSL kernels vs ORT) over 4 DiT steps and the VAE,
  // rarely crossing a rounding boundary of the 8-bit output: measured mean 0.000022, max 1.
  expect(sum / count).toBeLessThan(0.01);
  expect(max).toBeLessThanOrEqual(2);
});
