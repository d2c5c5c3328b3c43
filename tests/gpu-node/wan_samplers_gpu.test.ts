// The two Wan samplers on the GPU with the Self-Forcing twin's DiT (models/wan/make_twins.py: Wan's
// real widths, one block, the published .pt format) on Dawn + lavapipe. Each GPU loop (updates as
// kernels, nothing read back) must make the clip its CPU reference loop (wan_samplers.ts: the plan
// and its arithmetic in TypeScript) makes when each velocity comes from the same DiT:
// - Self-Forcing (src/sampler/wan_self_forcing.ts): chunk by chunk through one KV cache; the clip
//   then decodes with the TAEHV twin chunk by chunk into 4F − 3 frames, as all at once gives;
// - the base model's flow matching with guidance (src/sampler/wan_flow_matching.ts), here 2 steps
//   of its 50 (the same loop; each step costs two DiT calls). The guided update's arithmetic is
//   checked apart, against its CPU reference (tests/gpu/sampler.spec.ts).
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
import { sampleFlowMatchingGpu } from '../../src/sampler/wan_flow_matching.ts';
import { flowMatchingPlan, sampleFlowMatching, sampleSelfForcing, selfForcingPlan, type SelfForcingCall } from '../../src/sampler/wan_samplers.ts';
import { decodeChunkWithTaehv, sampleSelfForcingGpu, selfForcingStream } from '../../src/sampler/wan_self_forcing.ts';
import { closeNodeGpu, nodeGpu } from '../support/dawn.ts';
import { relativeError } from './helpers.ts';
import { twinFile, twinGoldens, wanManifest, wanTwin } from '../unit/support/wan_twins.ts';

// 3 latent frames of 4×4 in chunks of 2: a full chunk, then a shorter last one; 2 steps of
// Self-Forcing's 4 (one re-noised, one landing on σ = 0), as the loop is the same for any count
// and every DiT call at Wan's widths costs lavapipe seconds.
const REQUEST = { seed: 11, latentFrames: 3, height: 4, width: 4, chunkFrames: 2 };
const STEPS = 2;
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

/** The prompt's text state from the DiT twin's golden context (umT5's output stands in here), or zeros for the empty prompt. */
function promptText(pool: BufferPool, uniforms: UniformCache, empty = false): DitText {
  const golden = twinGoldens(wanTwin('dit'));
  const context = golden.f32('input.context');
  const r = new ForwardRecorder(device, pool, uniforms);
  const text = dit.prepareText(r, uploadF32Tensor(device, empty ? new Float32Array(context.length) : context, golden.info('input.context').shape, 'context'));
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
    transpose(noiseOf(channels * call.frames * plane, REQUEST.seed, selfForcingStream(call, purpose, STEPS)), channels, call.frames);
  const referenceClip = await sampleSelfForcing(REQUEST.latentFrames, channels * plane, velocity, noise, plan);
  cache.destroy();

  // f32 on both sides; the same DiT; updates in f32 on the GPU and in f64-rounded-to-f32 on the CPU.
  const error = relativeError(gpuClip, referenceClip);
  console.log(`Self-Forcing GPU loop vs CPU reference: relative error ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-5);

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

test('the base sampler\'s GPU loop (Euler with guidance) makes the clip its CPU reference loop makes with the same DiT', SLOW, async () => {
  const pool = new BufferPool(device);
  const uniforms = new UniformCache(device);
  const [prompt, empty] = [promptText(pool, uniforms), promptText(pool, uniforms, true)];
  const request = { seed: 5, latentFrames: 2, height: 4, width: 4, steps: 2, shift: 5, guidance: 5 };
  const steps: number[] = [];
  const latents = await sampleFlowMatchingGpu({ device, pool, uniforms, dit }, prompt, empty, request, (step) => void steps.push(step));
  const gpuClip = await read(latents);
  expect(steps).toEqual([1, 2]);

  const size = channels * request.latentFrames * plane;
  const t = uploadF32Tensor(device, new Float32Array(1), [1], 't');
  const velocity = async (x: Float32Array, timestep: number, call: { prompt: 'conditional' | 'unconditional' }) => {
    device.queue.writeBuffer(t.buffer, 0, new Float32Array([timestep]));
    const r = new ForwardRecorder(device, pool, uniforms);
    const input = uploadTensor(device, x, [channels, request.latentFrames, request.height, request.width], 'x');
    const v = dit.forward(r, { x: input, t }, call.prompt === 'conditional' ? prompt : empty);
    r.submit();
    const out = await read(v);
    pool.release(v);
    input.buffer.destroy();
    return out;
  };
  const referenceClip = await sampleFlowMatching(noiseOf(size, request.seed, 0), velocity, request.guidance, flowMatchingPlan(request.steps, request.shift));
  const error = relativeError(gpuClip, referenceClip);
  console.log(`flow matching GPU loop vs CPU reference: relative error ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-5);
});
