// The shipped model, zoetrope-s, generating in the browser on both backends (SwiftShader WebGPU and
// ORT's WASM EP) from one fixed prompt and seed, each clip read back from its MP4 by the judge
// (models/train/eval.py). The backends must make the same frames; the judge's verdicts are
// asserted where the model meets them and kept as a known shortfall where it does not
// (MODEL_CARD.md: over 48 evaluation clips, backgrounds 58 %, colour 3 %, direction 0 %).
// WebGPU makes one 4-frame window only: SwiftShader takes ~14 s a DiT step at 256 tokens
// (npm run bench -- --clip: 95.6 s for 4 frames, 2026-12-06). This replaces the random-weight
// geometry test that ran the same geometry at tiny widths.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { ClipRequest, GeneratedClip, RunOutcome } from '../support/generate_page.ts';
import { HARNESS } from '../support/gpu_page.ts';
import { probe } from '../support/media.ts';
import { ModelServer } from '../support/model_server.ts';

type GeneratePage = typeof import('../support/generate_page.ts');

// The second example prompt the page offers, at the first seed. The judge found its night sky on
// seeds 1–5 alike (WASM, 1 s clips), so the seed is not a lucky one.
const PROMPT = 'under a starry night sky, a golden bird rises';
const BASE = { prompt: PROMPT, aspect: '1:1', shortSide: 256, seed: 1 } as const;
const WINDOW = 4 / 12; // one window of 4 latent frames = 4 frames at 12 fps

interface Verdict {
  ok: boolean;
  checks: Record<string, boolean>;
  detected: { background: string; style: string };
}

/** The judge on an MP4: eval.py exits 1 when the clip misses its caption, so stdout is read either way. */
function judge(file: string): Verdict {
  try {
    return JSON.parse(execFileSync('/usr/bin/python3', ['models/train/eval.py', file, '--prompt', PROMPT], { encoding: 'utf8' }));
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return JSON.parse(stdout);
  }
}

function meanAbsDifference(a: number[][], b: number[][]): number {
  let sum = 0;
  let count = 0;
  a.forEach((frame, f) => frame.forEach((v, i) => {
    if (i % 4 === 3) return; // alpha
    sum += Math.abs(v - b[f]![i]!);
    count += 1;
  }));
  return sum / count;
}

const verdicts = new Map<string, Verdict>();

test.describe.configure({ mode: 'serial' });

test('zoetrope-s makes the same frames on WebGPU and WASM, in every bucket, and the judge finds the prompt\'s sky', async ({ page }, info) => {
  test.setTimeout(480_000);
  const server = new ModelServer('models/zoetrope-s');
  await server.start();
  let runs: GeneratedClip[];
  try {
    await page.goto(HARNESS);
    const requests: ClipRequest[] = [
      { ...BASE, durationSeconds: WINDOW, backend: 'webgpu', keepFrames: true },
      { ...BASE, durationSeconds: WINDOW, backend: 'wasm', keepFrames: true },
      { ...BASE, durationSeconds: 1, backend: 'wasm' }, // three windows, the later ones extending the first
      { ...BASE, durationSeconds: WINDOW, aspect: '16:9', backend: 'wasm' }, // 448 tokens a window
    ];
    const outcome: RunOutcome = await page.evaluate(
      async ({ manifest, requests }) => ((await import('/tests/support/generate_page.ts' as string)) as GeneratePage).generateClips(manifest, requests),
      { manifest: `${server.url}/manifest.json`, requests },
    );
    runs = outcome.runs.map((run) => {
      if ('error' in run) throw new Error(`generation failed: ${run.error}`);
      return run as GeneratedClip;
    });
  } finally {
    await server.stop();
  }
  const [gpu, cpu, long, wide] = runs;
  expect(gpu!.clip.backend).toBe('webgpu');
  expect(cpu!.clip.backend).toBe('wasm');
  const clips = [['webgpu', gpu!, 256, 4], ['wasm', cpu!, 256, 4], ['wasm-1s', long!, 256, 12], ['wasm-16x9', wide!, 448, 4]] as const;
  for (const [name, run, width, frames] of clips) {
    const file = info.outputPath(`${name}.mp4`);
    writeFileSync(file, Uint8Array.from(run.mp4));
    expect(probe(file)).toMatchObject({ width, height: 256, frames });
    const verdict = judge(file);
    console.log(`zoetrope-s, ${name}, "${PROMPT}": checks ${JSON.stringify(verdict.checks)}, detected ${JSON.stringify(verdict.detected)}`);
    verdicts.set(name, verdict);
  }
  // Our WGSL kernels and ORT's, both f32, over 4 DiT steps and the VAE: rounding only, now and
  // then crossing a step of the 8-bit output.
  const difference = meanAbsDifference(gpu!.frames!, cpu!.frames!);
  console.log(`zoetrope-s, WASM vs WebGPU: mean |Δ| ${difference.toFixed(5)} per channel value (0–255)`);
  expect(difference).toBeLessThan(0.5);
  for (const [name, verdict] of verdicts) {
    expect(verdict.detected.background, `the sky on ${name}`).toBe('night');
    expect(verdict.checks.style, `the style on ${name}`).toBe(true);
  }
});

// Known shortfall, kept in the suite so that the day the model meets it, this test reports it
// ("expected to fail" then passes) and the card is updated.
test('the judge finds the prompt\'s golden bird rising (known shortfall: colour and direction)', () => {
  test.fail(true, 'MODEL_CARD.md: zoetrope-s forms no objects yet (colour 3 %, direction 0 %)');
  expect(verdicts.size).toBeGreaterThan(0);
  for (const [name, verdict] of verdicts) {
    expect(verdict.checks.colour, `the colour on ${name}`).toBe(true);
    expect(verdict.checks.direction, `the direction on ${name}`).toBe(true);
  }
});
