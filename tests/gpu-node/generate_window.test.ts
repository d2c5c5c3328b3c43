// A whole window of the WebGPU backend's sampler (tokenizer, T5, DiT × 4 steps, few-step updates)
// on tiny-test in f16 storage against the same window in f32, on Dawn + lavapipe: the f16 path the
// app takes on adapters with shader-f16, which Chromium's SwiftShader lacks.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readTensorBytes } from '../../src/gpu/buffers.ts';
import type { DType } from '../../src/gpu/tensor.ts';
import { encodePromptText, generateWindow, releasePromptText } from '../../src/sampler/generate_window.ts';
import { TextToVideoModel } from '../../src/sampler/text_to_video_model.ts';
import { blendSeam } from '../../src/sampler/latent_update.ts';
import { noise } from '../../src/sampler/rng.ts';
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

// The seam blend inside generateWindow: a window after a context, sampled with a config that names
// chunk.seam_blend_sigma, is the plain window with the CPU twin's blend applied (latent_update.ts,
// itself checked against the float64 reference the WGSL kernels are).
test('a window after a context ends with the config\'s seam blend, as the CPU twin makes it', async () => {
  const config = manifest.config as { chunk: Record<string, number> };
  const blended = { ...config, chunk: { ...config.chunk, seam_blend_sigma: 1.5 } };
  const shape = [4, 3, 8, 8] as const; // 3 latent frames: 1 context, 2 generated (weights 1 and ½)
  const previous = Float32Array.from(noise(4 * 2 * 8 * 8, 3, 0));
  const windowAfter = async (modelConfig: unknown) => {
    const model = TextToVideoModel.fromFiles(device, modelConfig, files, 'f32');
    try {
      const text = await encodePromptText(model, 'a red ball bounces');
      const context = model.pool.acquireTensor([4, 2, 8, 8], 'f32');
      device.queue.writeBuffer(context.buffer, context.offset, previous);
      const latents = await generateWindow(model, text.text, { seed: 9, frames: 3, height: 8, width: 8, steps: 4, firstStream: 5, context: { latents: context, frames: 1 } });
      const bytes = await readTensorBytes(device, latents.buffer, latents.offset, latents.byteSize);
      model.pool.release(latents);
      model.pool.release(context);
      releasePromptText(model, text.text);
      return new Float32Array(bytes);
    } finally {
      model.destroy();
    }
  };
  const plain = await windowAfter(config);
  const gpu = await windowAfter(blended);
  const cpu = Float32Array.from(plain);
  blendSeam(cpu, new Float32Array(3 * 64).fill(1, 0, 64), shape, 1, 1.5);
  let worst = 0;
  let moved = 0;
  for (let i = 0; i < cpu.length; i++) {
    worst = Math.max(worst, Math.abs(gpu[i]! - cpu[i]!));
    moved = Math.max(moved, Math.abs(gpu[i]! - plain[i]!));
  }
  expect(moved).toBeGreaterThan(0.05); // the blend did something
  expect(worst).toBeLessThan(1e-5); // sums of 121 taps in f32, in another order
});
