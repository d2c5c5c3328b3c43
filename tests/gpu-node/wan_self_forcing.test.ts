// Self-Forcing's causal sampler on the GPU (src/sampler/wan_self_forcing.ts) with the Self-Forcing
// twin (models/wan/make_twins.py: Wan's real widths, one block, the published .pt format) on Dawn +
// lavapipe. The GPU loop (updates as kernels, one KV cache, nothing read back) must make the clip
// the CPU reference loop (wan_samplers.ts's sampleSelfForcing: the plan and its arithmetic in
// TypeScript) makes when each of its velocities comes from the same DiT; and the clip then decodes
// with the TAEHV twin chunk by chunk into 4F − 3 frames, as decoding it all at once gives.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readTensorBytes, uploadF32Tensor, uploadTensor } from '../../src/gpu/buffers.ts';
import { BufferPool } from '../../src/gpu/pool.ts';
import type { Tensor } from '../../src/gpu/tensor.ts';
import { PthFile } from '../../src/model/checkpoint/pth.ts';
import type { DitConfig } from '../../src/model/config.ts';
import { Constants } from '../../src/model/constants.ts';
import type { Dit, DitText } from '../../src/model/dit.ts';
import { KvCache } from '../../src/model/kv_cache.ts';
import { ForwardRecorder, UniformCache } from '../../src/model/recorder.ts';
import { TAEHV_FRAMES_TO_TRIM, TaehvDecoder } from '../../src/model/taehv.ts';
import { loadWanDit } from '../../src/model/wan_dit.ts';
import { noiseOf } from '../../src/sampler/generate_window.ts';
import { sampleSelfForcing, selfForcingPlan, type SelfForcingCall } from '../../src/sampler/wan_samplers.ts';
import { decodeChunkWithTaehv, sampleSelfForcingGpu, selfForcingStream } from '../../src/sampler/wan_self_forcing.ts';
import { closeNodeGpu, nodeGpu } from '../support/dawn.ts';
import { twinFile, twinGoldens, wanManifest, wanTwin } from '../unit/support/wan_twins.ts';

// 3 latent frames of 4×4 in chunks of 2: a full chunk, then a shorter last one.
const REQUEST = { seed: 11, latentFrames: 3, height: 4, width: 4, chunkFrames: 2 };
const STEPS = 4;
const SLOW = { timeout: 900_000 };

let device: GPUDevice;
let dit: Dit;
let release: () => void;
beforeAll(async () => {
  device = (await nodeGpu()).device;
  const twin = wanTwin('self-forcing');
  const file = twin.files[0]!;
  const set = (await PthFile.open(await twinFile(twin, file), file)).stateDict(twin.container ?? undefined);
  const loaded = await loadWanDit(device, set, wanManifest(twin.manifest), twin.config as unknown as DitConfig, new Constants(device), {
    dtype: 'f32', prefix: 'model.', reduction: { layers: twin.layers ?? undefined, shapes: twin.shapes },
  });
  dit = loaded.dit;
  release = () => {
    loaded.dit.destroy();
    loaded.weights.destroy();
  };
}, SLOW.timeout);
afterAll(async () => {
  release?.();
  await closeNodeGpu();
});

const channels = 16;
const plane = REQUEST.height * REQUEST.width;

/** The prompt's text state from the DiT twin's golden context (umT5's output stands in here). */
function promptText(pool: BufferPool, uniforms: UniformCache): DitText {
  const golden = twinGoldens(wanTwin('dit'));
  const r = new ForwardRecorder(device, pool, uniforms);
  const text = dit.prepareText(r, uploadF32Tensor(device, golden.f32('input.context'), golden.info('input.context').shape, 'context'));
  r.submit();
  return text;
}

/** (C, F, plane) ↔ (F, C, plane). */
function transpose(data: Float32Array, outer: number, inner: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let a = 0; a < outer; a++) for (let b = 0; b < inner; b++) out.set(data.subarray((a * inner + b) * plane, (a * inner + b + 1) * plane), (b * outer + a) * plane);
  return out;
}

const read = async (t: Tensor) => new Float32Array(await readTensorBytes(device, t.buffer, t.offset, t.byteSize));

test('the GPU loop makes the clip the CPU reference loop makes with the same DiT, and TAEHV decodes it chunk by chunk', SLOW, async () => {
  const pool = new BufferPool(device);
  const uniforms = new UniformCache(device);
  const text = promptText(pool, uniforms);

  // The GPU loop; each clean chunk read back (C, F, H, W) and decoded by TAEHV as it comes.
  const twin = wanTwin('taehv');
  const taehvSet = (await PthFile.open(await twinFile(twin, twin.files[0]!), twin.files[0]!)).stateDict();
  const taehv = await TaehvDecoder.load(device, taehvSet, wanManifest(twin.manifest), 'f32');
  const gpuChunks: Float32Array[] = [];
  const streamedFrames: Float32Array[] = [];
  await sampleSelfForcingGpu({ device, pool, uniforms, dit }, text, { ...REQUEST, steps: STEPS }, async (latents) => {
    const r = new ForwardRecorder(device, pool, uniforms);
    const frames = decodeChunkWithTaehv(r, taehv, latents);
    r.submit();
    gpuChunks.push(await read(latents));
    streamedFrames.push(await read(frames));
    pool.release(frames);
  });
  const gpuClip = new Float32Array(gpuChunks.flatMap((c) => [...transpose(c, channels, c.length / (channels * plane))]));

  // The CPU reference loop (clip and chunks frame-major, (F, C, H, W)), each velocity from the
  // same DiT through a cache of its own, with the noise of the same RNG streams.
  const cache = new KvCache(device, dit.config.num_layers, (REQUEST.latentFrames * plane) / 4, dit.config.dim, 'f32');
  const t = uploadF32Tensor(device, new Float32Array(1), [1], 't');
  const plan = selfForcingPlan(REQUEST.latentFrames, REQUEST.chunkFrames, STEPS);
  const sigmas = plan.slice(0, STEPS).map((call) => call.sigma);
  const velocity = async (x: Float32Array, timestep: number, call: SelfForcingCall) => {
    device.queue.writeBuffer(t.buffer, 0, new Float32Array([timestep]));
    const r = new ForwardRecorder(device, pool, uniforms);
    const input = uploadTensor(device, transpose(x, call.frames, channels), [channels, call.frames, REQUEST.height, REQUEST.width], 'x');
    const v = dit.forward(r, { x: input, t }, text, { cache, startFrame: call.startFrame });
    r.submit();
    const out = transpose(await read(v), channels, call.frames);
    pool.release(v);
    input.buffer.destroy();
    return out;
  };
  const noise = (call: SelfForcingCall, purpose: 'start' | 'renoise') =>
    transpose(noiseOf(channels * call.frames * plane, REQUEST.seed, selfForcingStream(call, purpose, STEPS, sigmas)), channels, call.frames);
  const referenceClip = await sampleSelfForcing(REQUEST.latentFrames, channels * plane, velocity, noise, plan);
  cache.destroy();

  // f32 on both sides; the same DiT; updates in f32 on the GPU and in f64-rounded-to-f32 on the CPU.
  let [diff, norm] = [0, 0];
  for (let i = 0; i < referenceClip.length; i++) {
    diff += (gpuClip[i]! - referenceClip[i]!) ** 2;
    norm += referenceClip[i]! ** 2;
  }
  console.log(`Self-Forcing GPU loop vs CPU reference: relative error ${Math.sqrt(diff / norm).toExponential(2)}`);
  expect(Math.sqrt(diff / norm)).toBeLessThan(1e-5);

  // TAEHV chunk by chunk: 4 frames a latent frame, of which the clip's first 3 are dropped; the
  // same frames as decoding the whole clip's latents at once with a fresh decoder.
  const frameValues = 3 * 8 * REQUEST.height * 8 * REQUEST.width;
  const streamed = new Float32Array(streamedFrames.flatMap((f) => [...f]));
  expect(streamed.length).toBe(4 * REQUEST.latentFrames * frameValues);
  const kept = streamed.subarray(TAEHV_FRAMES_TO_TRIM * frameValues);
  expect(kept.length / frameValues).toBe(4 * REQUEST.latentFrames - 3);
  expect(kept.every((v) => v >= 0 && v <= 1)).toBe(true);
  taehv.reset();
  const r = new ForwardRecorder(device, pool, uniforms);
  const whole = uploadF32Tensor(device, transpose(referenceClip, REQUEST.latentFrames, channels), [channels, REQUEST.latentFrames, REQUEST.height, REQUEST.width], 'clip');
  const all = decodeChunkWithTaehv(r, taehv, whole);
  r.submit();
  const allFrames = await read(all);
  let worst = 0;
  for (let i = 0; i < allFrames.length; i++) worst = Math.max(worst, Math.abs(allFrames[i]! - streamed[i]!));
  expect(worst).toBeLessThan(1e-4);
  taehv.destroy();
});
