// Benchmark of whole forward passes in the page: one text-encoder pass and one DiT step (a chunk
// window of latents) with our WGSL engine, at the tiny test model's size (its real weights) or at
// any config's size with random weights.
import { openGpu } from '../../src/gpu/device.ts';
import { BufferPool } from '../../src/gpu/pool.ts';
import { uploadF32Tensor } from '../../src/gpu/buffers.ts';
import { tensorView } from '../../src/gpu/tensor.ts';
import { parseModelConfig, type ModelConfig } from '../../src/model/config.ts';
import { Constants } from '../../src/model/constants.ts';
import { Dit } from '../../src/model/dit.ts';
import { GpuWeights } from '../../src/model/gpu_weights.ts';
import { ditParameters, parameterCount, textEncoderParameters, type ParameterShapes } from '../../src/model/parameters.ts';
import { ForwardRecorder, UniformCache } from '../../src/model/recorder.ts';
import { T5Encoder } from '../../src/model/text_encoder.ts';
import { SafetensorsFile, WeightSet } from '../../src/model/weights.ts';
import { bytesOf, writeSafetensors } from '../support/safetensors_writer.ts';

export interface ModelTiming {
  part: string;
  parameters: number;
  tokens: number;
  ms: number;
}

/** Random weights of the right shapes: small values, norms at 1, as an initialised model has. */
function randomWeights(shapes: ParameterShapes, seed: number): WeightSet {
  let state = seed >>> 0;
  const tensors: Parameters<typeof writeSafetensors>[0] = {};
  for (const [name, shape] of shapes) {
    const count = shape.reduce((a, b) => a * b, 1);
    const isNorm = /norm\w*\.weight$/.test(name);
    const data = Float32Array.from({ length: count }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return isNorm ? 1 : ((state / 2 ** 32) * 2 - 1) * 0.05;
    });
    tensors[name] = { dtype: 'F32', shape, data: bytesOf(data) };
  }
  return new WeightSet([SafetensorsFile.parse(writeSafetensors(tensors))]);
}

async function median(runs: number, run: () => Promise<void>): Promise<number> {
  await run(); // warm-up: pipelines compile, weights upload
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

export async function measureModel(configJson: unknown, useTinyWeights: boolean, runs = 3): Promise<ModelTiming[]> {
  const config: ModelConfig = parseModelConfig(configJson);
  const { device } = await openGpu();
  const pool = new BufferPool(device);
  const uniforms = new UniformCache(device);
  const fetchWeights = async (part: string) =>
    new WeightSet([SafetensorsFile.parse(new Uint8Array(await (await fetch(`/models/tiny-test/${part}.safetensors`)).arrayBuffer()))]);
  const ditWeights = useTinyWeights ? await fetchWeights('dit') : randomWeights(ditParameters(config.dit), 1);
  const textWeights = useTinyWeights ? await fetchWeights('text_encoder') : randomWeights(textEncoderParameters(config.text_encoder), 2);

  const encoder = new T5Encoder(config.text_encoder, new GpuWeights(device, textWeights), textWeights, 'f32', new Constants(device));
  const textLen = config.text_encoder.text_len;
  const idsBuffer = device.createBuffer({ size: textLen * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(idsBuffer, 0, Uint32Array.from({ length: textLen }, (_, i) => (i * 7) % config.text_encoder.vocab_size));
  const ids = tensorView(idsBuffer, [textLen], 'f32'); // u32 ids; the dtype only sizes the binding
  const textMs = await median(runs, async () => {
    const r = new ForwardRecorder(device, pool, uniforms);
    r.free(encoder.encode(r, ids, textLen));
    r.submit();
    await device.queue.onSubmittedWorkDone();
  });

  // One DiT step over a chunk window at the 1:1 bucket.
  const [height, width] = config.latent.aspect_buckets['1:1']!;
  const latent = [config.latent.channels, config.chunk.latent_frames, height / config.latent.spatial_factor, width / config.latent.spatial_factor];
  const plane = latent.reduce((a, b) => a * b, 1);
  const noise = Float32Array.from({ length: plane }, (_, i) => Math.sin(i));
  const inputs = {
    x: uploadF32Tensor(device, noise, latent, 'x'),
    cleanMasked: uploadF32Tensor(device, new Float32Array(plane), latent, 'clean'),
    mask: uploadF32Tensor(device, new Float32Array(plane / latent[0]!), [1, ...latent.slice(1)], 'mask'),
    t: uploadF32Tensor(device, Float32Array.of(750), [1], 't'),
  };
  const context = uploadF32Tensor(device, Float32Array.from({ length: textLen * config.dit.text_dim }, (_, i) => Math.cos(i)), [textLen, config.dit.text_dim], 'context');
  const dit = new Dit(config.dit, new GpuWeights(device, ditWeights), 'f32', new Constants(device));
  const prep = new ForwardRecorder(device, pool, uniforms);
  const text = dit.prepareText(prep, context);
  prep.submit();
  const ditMs = await median(runs, async () => {
    const r = new ForwardRecorder(device, pool, uniforms);
    r.free(dit.forward(r, inputs, text));
    r.submit();
    await device.queue.onSubmittedWorkDone();
  });
  device.destroy();
  const tokens = (plane / latent[0]!) / 4;
  return [
    { part: 'text encoder pass', parameters: parameterCount(textEncoderParameters(config.text_encoder)), tokens: textLen, ms: textMs },
    { part: 'DiT step', parameters: parameterCount(ditParameters(config.dit)), tokens, ms: ditMs },
  ];
}
