// A whole window of the WebGPU backend's sampler (tokenizer, T5, DiT × 4 steps, few-step updates)
// on tiny-test in f16 storage against the same window in f32, on Dawn + lavapipe: the f16 path the
// app takes on adapters with shader-f16, which Chromium's SwiftShader lacks.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readTensorBytes } from '../../src/gpu/buffers.ts';
import type { DType } from '../../src/gpu/tensor.ts';
import { encodePromptText, generateWindow, releasePromptText } from '../../src/sampler/generate_window.ts';
import { TextToVideoModel } from '../../src/sampler/text_to_video_model.ts';
import { closeNodeGpu, nodeGpu } from '../support/dawn.ts';

const manifest = JSON.parse(readFileSync('models/tiny-test/manifest.json', 'utf8')) as { config: unknown };
const files = new Map(
  ['tokenizer.json', 'text_encoder.safetensors', 'dit.safetensors'].map((path) => [path, new Uint8Array(readFileSync(`models/tiny-test/${path}`))]),
);

let device: GPUDevice;
beforeAll(async () => {
  device = (await nodeGpu()).device;
});
afterAll(closeNodeGpu);

async function windowLatents(dtype: DType): Promise<Float32Array> {
  const model = TextToVideoModel.fromFiles(device, manifest.config, files, dtype);
  try {
    const text = await encodePromptText(model, 'a red ball bounces');
    // tiny-test 1:1: 64×64 px = 8×8 latents, a window of 2 latent frames, 4 steps.
    const latents = await generateWindow(model, text.text, { seed: 9, frames: 2, height: 8, width: 8, steps: 4, firstStream: 0 });
    const bytes = await readTensorBytes(device, latents.buffer, latents.offset, latents.byteSize);
    model.pool.release(latents);
    releasePromptText(model, text.text);
    return new Float32Array(bytes);
  } finally {
    model.destroy();
  }
}

test('a window sampled with f16 weights and activations stays close to the f32 window', async () => {
  const f32 = await windowLatents('f32');
  const f16 = await windowLatents('f16');
  expect(f16.length).toBe(4 * 2 * 8 * 8);
  let worst = 0;
  let sumSq = 0;
  for (let i = 0; i < f32.length; i++) {
    worst = Math.max(worst, Math.abs(f16[i]! - f32[i]!));
    sumSq += f32[i]! ** 2;
  }
  const rms = Math.sqrt(sumSq / f32.length);
  console.log(`f16 vs f32 window latents: worst |diff| ${worst.toExponential(2)}, latent rms ${rms.toFixed(3)}`);
  expect(Number.isFinite(worst)).toBe(true);
  expect(rms).toBeGreaterThan(0.1); // a real window, not zeros
  // Four DiT steps with f16 activations at every matmul and attention input, the residual stream in f32.
  expect(worst).toBeLessThan(2e-3); // measured 3.5e-4 on lavapipe
});
