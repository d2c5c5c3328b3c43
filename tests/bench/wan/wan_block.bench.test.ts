// `npm run bench -- --wan`: the device check for Wan 2.1 1.3B (issue 13), in Node + Dawn on whatever
// Vulkan GPU the environment gives (VK_ICD_FILENAMES; see tests/gpu-node/vitest.config.ts). Times one
// full-width DiT block (f16, random weights) at 480×832 token counts — the base model's whole clip
// (32 760 tokens) and Self-Forcing's chunk (4 680 tokens) attending over a full KV cache — and prints
// ms, GFLOP/s and the projected seconds per 5 s clip for both samplers. Reports only, asserts
// nothing. `-- --wan --smoke` runs the same at toy token counts (to check the script on lavapipe).
//
// Also times TAEHV's decoder (f16, random weights) on one Self-Forcing chunk of latents (3 latent
// frames → 12 frames of 480×832) and projects a 5 s clip's decoding. Not measured: the text encoder
// (once per prompt).
import { afterAll, test } from 'vitest';
import { uploadF32Tensor, uploadTensor } from '../../../src/gpu/buffers.ts';
import { BufferPool } from '../../../src/gpu/pool.ts';
import type { DitConfig } from '../../../src/model/config.ts';
import { Constants } from '../../../src/model/constants.ts';
import { Dit, type DitChunk } from '../../../src/model/dit.ts';
import { GpuWeights } from '../../../src/model/gpu_weights.ts';
import { KvCache } from '../../../src/model/kv_cache.ts';
import { ForwardRecorder, UniformCache } from '../../../src/model/recorder.ts';
import { flowMatchingPlan, selfForcingPlan } from '../../../src/sampler/wan_samplers.ts';
import { wanLatentFrames } from '../../../src/model/wan_fit.ts';
import { openSafetensors } from '../../../src/model/checkpoint/safetensors_blob.ts';
import { TaehvDecoder } from '../../../src/model/taehv.ts';
import { closeNodeGpu, nodeGpu } from '../../support/dawn.ts';
import { randomWanDit } from './random_dit.ts';
import { randomTaehvBlob, TAEHV_MANIFEST } from './random_taehv.ts';

const SMOKE = process.env.ZOETROPE_WAN_SMOKE === '1';
const CONFIG: DitConfig = {
  dim: 1536, num_heads: 12, head_dim: 128, num_layers: 1, ffn_dim: 8960, freq_dim: 256, in_channels: 16, out_channels: 16,
  masked_frame_input: false, patch: [1, 2, 2], text_dim: 4096, text_len: 512, rope_theta: 10000, eps: 1e-6, qk_norm: true, cross_attn_norm: true,
};
const LAYERS = 30;
// Latent grid per frame at 480×832 (VAE 8×): 60×104; smoke: 4×4.
const [LATENT_H, LATENT_W] = SMOKE ? [4, 4] : [60, 104];
const LATENT_FRAMES = SMOKE ? 2 : wanLatentFrames(5);
const CHUNK_FRAMES = SMOKE ? 1 : 3;
const TOKENS_PER_FRAME = (LATENT_H / 2) * (LATENT_W / 2);

afterAll(closeNodeGpu);

/** FLOPs of one block on `tokens` queries over `keys` self-attention keys. */
function blockFlops(tokens: number, keys: number): number {
  const { dim, ffn_dim: ffn, text_len: text } = CONFIG;
  const linear = 2 * tokens * (4 * dim * dim + 2 * dim * dim + 2 * dim * ffn); // q k v o, cross q o, FFN
  return linear + 4 * tokens * keys * dim + 4 * tokens * text * dim;
}

test('Wan 2.1 1.3B block on this GPU', { timeout: 3_600_000 }, async () => {
  const { device, report } = await nodeGpu();
  if (!report.features['shader-f16']) throw new Error('this adapter has no shader-f16, which the 1.3B model needs');
  const dit = new Dit(CONFIG, new GpuWeights(device, randomWanDit()), 'f16', new Constants(device));
  const pool = new BufferPool(device);
  const uniforms = new UniformCache(device);
  const context = uploadF32Tensor(device, new Float32Array(CONFIG.text_len * CONFIG.text_dim).fill(0.01), [CONFIG.text_len, CONFIG.text_dim], 'context');
  const t = uploadF32Tensor(device, Float32Array.of(937.5), [1], 't');
  const r0 = new ForwardRecorder(device, pool, uniforms);
  const text = dit.prepareText(r0, context);
  r0.submit();
  const latents = (frames: number) => uploadF32Tensor(device, new Float32Array(16 * frames * LATENT_H * LATENT_W).fill(0.5), [16, frames, LATENT_H, LATENT_W], 'x');

  /** Median ms of `runs` forwards after one warm-up. */
  async function time(frames: number, chunk?: DitChunk, runs = 3): Promise<number> {
    const x = latents(frames);
    const once = async () => {
      const started = performance.now();
      const r = new ForwardRecorder(device, pool, uniforms);
      r.free(dit.forward(r, { x, t }, text, chunk));
      r.submit();
      await device.queue.onSubmittedWorkDone();
      return performance.now() - started;
    };
    await once();
    const ms = [];
    for (let i = 0; i < runs; i++) ms.push(await once());
    x.buffer.destroy();
    return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  }

  const clipTokens = LATENT_FRAMES * TOKENS_PER_FRAME;
  const chunkTokens = CHUNK_FRAMES * TOKENS_PER_FRAME;
  const baseMs = await time(LATENT_FRAMES);
  const cache = new KvCache(device, 1, clipTokens, CONFIG.dim, 'f16');
  const lastStart = LATENT_FRAMES - CHUNK_FRAMES;
  const firstChunkMs = await time(CHUNK_FRAMES, { cache, startFrame: 0 });
  const lastChunkMs = await time(CHUNK_FRAMES, { cache, startFrame: lastStart });
  cache.destroy();

  // Self-Forcing's calls per clip (4 steps + the cache pass per chunk); attention grows linearly
  // with the chunk's position, so a chunk's mean cost is the mean of the first and last.
  const sfCalls = selfForcingPlan(LATENT_FRAMES, CHUNK_FRAMES).length;
  const baseCalls = 2 * flowMatchingPlan().length; // with and without the prompt
  const rows = [
    ['base: whole clip', clipTokens, clipTokens, baseMs],
    ['Self-Forcing: first chunk', chunkTokens, chunkTokens, firstChunkMs],
    ['Self-Forcing: last chunk', chunkTokens, clipTokens, lastChunkMs],
  ] as const;
  console.log(`\nWan 2.1 1.3B block (f16, random weights) on ${report.adapter.description || report.adapter.device || report.adapter.vendor}${SMOKE ? ' — SMOKE sizes, not 480p' : ''}`);
  console.log('| call | queries | keys | ms per block | GFLOP/s |\n|---|---:|---:|---:|---:|');
  for (const [name, queries, keys, ms] of rows) console.log(`| ${name} | ${queries} | ${keys} | ${ms.toFixed(1)} | ${(blockFlops(queries, keys) / ms / 1e6).toFixed(0)} |`);
  const baseSeconds = (baseCalls * LAYERS * baseMs) / 1000;
  const sfSeconds = (sfCalls * LAYERS * ((firstChunkMs + lastChunkMs) / 2)) / 1000;
  console.log(`Projected DiT time per 5 s clip (30 blocks; text encoder and decoder not included):`);
  console.log(`  base, 50 steps × 2 (guidance): ${baseSeconds.toFixed(0)} s`);
  console.log(`  Self-Forcing, ${sfCalls} calls: ${sfSeconds.toFixed(0)} s; first chunk after ${((5 * LAYERS * firstChunkMs) / 1000).toFixed(1)} s`);
});

test('TAEHV decoder on this GPU', { timeout: 3_600_000 }, async () => {
  const { device, report } = await nodeGpu();
  const set = await openSafetensors(randomTaehvBlob(), 'random taew2_1');
  const taehv = await TaehvDecoder.load(device, set, TAEHV_MANIFEST, 'f16');
  const pool = new BufferPool(device);
  const uniforms = new UniformCache(device);
  const latents = uploadTensor(device, new Float32Array(CHUNK_FRAMES * 16 * LATENT_H * LATENT_W).fill(0.5), [CHUNK_FRAMES, 16, LATENT_H, LATENT_W], 'latents', 'f16');
  /** One chunk decoded, in ms (the carries make every chunk after the first the same work). */
  const once = async () => {
    const started = performance.now();
    const r = new ForwardRecorder(device, pool, uniforms);
    pool.release(taehv.decode(r, latents));
    r.submit();
    await device.queue.onSubmittedWorkDone();
    return performance.now() - started;
  };
  await once();
  const ms = [await once(), await once(), await once()].sort((a, b) => a - b)[1]!;
  taehv.destroy();
  const frames = 4 * CHUNK_FRAMES;
  const chunks = Math.ceil(LATENT_FRAMES / CHUNK_FRAMES);
  console.log(`\nTAEHV decoder (f16, random weights, direct convolution) on ${report.adapter.description || report.adapter.device || report.adapter.vendor}${SMOKE ? ' — SMOKE sizes, not 480p' : ''}`);
  console.log(`  one chunk: ${CHUNK_FRAMES} latent frames → ${frames} frames of ${8 * LATENT_H}×${8 * LATENT_W} in ${ms.toFixed(1)} ms (${((1000 * frames) / ms).toFixed(1)} frames/s)`);
  console.log(`  projected decoding per 5 s clip (${chunks} chunks): ${((chunks * ms) / 1000).toFixed(1)} s`);
});
