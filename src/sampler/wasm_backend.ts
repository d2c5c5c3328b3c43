// The WASM backend: text encoder, DiT and VAE decoder as the model's ONNX graphs on ORT-web's
// WASM EP (multi-threaded where the page is cross-origin isolated), the sampler loop in plain
// TypeScript on Float32Arrays (cpu_window.ts). Needs no GPU at all: for browsers without WebGPU
// and for software adapters, where it is much faster than WebGPU.
import { parseModelConfig, type ModelConfig } from '../model/config.ts';
import { OnnxDit, OnnxTextEncoder, OnnxVaeDecoder } from '../model/onnx_models.ts';
import { WordTokenizer } from '../model/tokenizer.ts';
import { framesToRgba } from '../model/vae.ts';
import type { ClipBackend, DecodedWindow, PromptState, WindowDecoder, WindowRunEvents, WindowRunner, WindowSpec } from './clip_backend.ts';
import { contextGiven, nothingGiven, sampleWindowOnCpu, type LatentShape } from './cpu_window.ts';
import { addGivenFrames } from './given_frames.ts';
import { fitLatentColourMap, type LatentColourMap } from './latent_preview.ts';
import { noise } from './rng.ts';

/** The ORT sessions of one loaded model, built once and kept across clips. */
export class WasmModel {
  private constructor(
    readonly config: ModelConfig,
    readonly tokenizer: WordTokenizer,
    readonly textEncoder: OnnxTextEncoder,
    readonly dit: OnnxDit,
    readonly vae: OnnxVaeDecoder,
  ) {}

  static async fromFiles(configJson: unknown, files: ReadonlyMap<string, Uint8Array>): Promise<WasmModel> {
    const config = parseModelConfig(configJson);
    const tokenizerJson = files.get('tokenizer.json');
    if (!tokenizerJson) throw new Error('the model has no tokenizer.json');
    const tokenizer = WordTokenizer.fromJson(JSON.parse(new TextDecoder().decode(tokenizerJson)));
    // One after another: each session's creation copies its weights into ORT's heap.
    const textEncoder = await OnnxTextEncoder.create(files);
    const dit = await OnnxDit.create(files).catch(async (error: unknown) => {
      await textEncoder.release();
      throw error;
    });
    const vae = await OnnxVaeDecoder.create(files).catch(async (error: unknown) => {
      await Promise.all([textEncoder.release(), dit.release()]);
      throw error;
    });
    return new WasmModel(config, tokenizer, textEncoder, dit, vae);
  }

  async release(): Promise<void> {
    await Promise.all([this.textEncoder.release(), this.dit.release(), this.vae.release()]);
  }
}

/** A window's clean latents in CPU memory, with their shape (C, F, H, W). */
export interface CpuLatents {
  data: Float32Array;
  shape: LatentShape;
}

class WasmWindowRunner implements WindowRunner<Float32Array, CpuLatents> {
  constructor(private readonly model: WasmModel) {}

  get config(): ModelConfig {
    return this.model.config;
  }

  async encodePrompt(prompt: string): Promise<PromptState<Float32Array>> {
    const tokens = this.model.tokenizer.encode(prompt, this.config.text_encoder.text_len);
    const text = await this.model.textEncoder.encode(tokens.ids, tokens.length); // (text_len, dim)
    return { text, unknownWords: tokens.unknown };
  }

  releasePrompt(): void {} // plain memory: the garbage collector's

  async sampleWindow(text: Float32Array, spec: WindowSpec, context: { latents: CpuLatents; frames: number } | undefined, events: WindowRunEvents): Promise<CpuLatents> {
    const shape: LatentShape = [this.config.dit.in_channels, spec.frames, spec.height, spec.width];
    const given = context ? contextGiven(context.latents.data, context.frames, shape) : nothingGiven(shape);
    if (spec.given) addGivenFrames(given, shape, spec.given);
    const textLen = this.config.text_encoder.text_len;
    const velocity = (x: Float32Array, cleanMasked: Float32Array, mask: Float32Array, t: number) =>
      this.model.dit.forward(x, cleanMasked, mask, t, text, shape, textLen); // (C, F, H, W)
    const seamBlend = context && { context: Math.min(context.frames, spec.frames), sigma: this.config.chunk.seam_blend_sigma ?? 0 };
    const cpuSpec = { shape, seed: spec.seed, steps: spec.steps, shift: this.config.sampler.shift, solver: spec.solver, firstStream: spec.firstStream, ...(seamBlend && { seamBlend }) };
    return { data: await sampleWindowOnCpu(velocity, cpuSpec, given, events), shape };
  }

  releaseLatents(): void {} // plain memory: the garbage collector's
}

/** (C, F, H, W) → (F, C, H, W): the VAE decodes frame by frame. */
export function latentsToFrames(latents: Float32Array, [channels, frames, height, width]: LatentShape): Float32Array {
  const pixels = height * width;
  const out = new Float32Array(latents.length);
  for (let c = 0; c < channels; c++) {
    for (let f = 0; f < frames; f++) out.set(latents.subarray((c * frames + f) * pixels, (c * frames + f + 1) * pixels), (f * channels + c) * pixels);
  }
  return out;
}

class WasmWindowDecoder implements WindowDecoder<CpuLatents> {
  constructor(private readonly model: WasmModel) {}

  async decode({ data, shape }: CpuLatents): Promise<DecodedWindow> {
    const [channels, frames, latentHeight, latentWidth] = shape;
    const batch = latentsToFrames(data, shape); // (F, C, h, w)
    const decoded = await this.model.vae.decode(batch, [frames, channels, latentHeight, latentWidth]); // (F, 3, H, W)
    const [count, , height, width] = decoded.dims as [number, number, number, number];
    return { frames: framesToRgba(decoded.data, count, height, width), width, height };
  }
}

// Fitted once per loaded model: a VAE decode of a few random latents.
const colourMaps = new WeakMap<WasmModel, Promise<LatentColourMap>>();
const FIT_FRAMES = 2;
const FIT_SIZE = 8; // latent pixels a side

function colourMapOf(model: WasmModel): Promise<LatentColourMap> {
  let map = colourMaps.get(model);
  if (!map) {
    const channels = model.config.latent.channels;
    const dims = [FIT_FRAMES, channels, FIT_SIZE, FIT_SIZE] as const;
    // Fixed seed and stream: the same map, so the same previews, every time.
    const latents = noise(FIT_FRAMES * channels * FIT_SIZE * FIT_SIZE, 0x5eed, 0);
    map = model.vae.decode(latents, dims).then(({ data }) =>
      fitLatentColourMap(latents, data, { count: FIT_FRAMES, channels, height: FIT_SIZE, width: FIT_SIZE, factor: model.config.latent.spatial_factor }));
    map.catch(() => colourMaps.delete(model));
    colourMaps.set(model, map);
  }
  return map;
}

export function wasmBackend(model: WasmModel): ClipBackend<Float32Array, CpuLatents> {
  return {
    name: 'wasm',
    runner: new WasmWindowRunner(model),
    decoder: new WasmWindowDecoder(model),
    previewColourMap: () => colourMapOf(model),
  };
}
