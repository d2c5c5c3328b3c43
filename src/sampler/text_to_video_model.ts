// The parts of a loaded model the sampler runs on our WGSL engine, built once from the model's
// files and kept across clips: tokenizer, text encoder and DiT (their weights upload lazily on
// first use and then stay), plus the activation pool and uniform cache every forward shares.
import { BufferPool } from '../gpu/pool.ts';
import type { DType } from '../gpu/tensor.ts';
import { parseModelConfig, type ModelConfig } from '../model/config.ts';
import { Constants } from '../model/constants.ts';
import { Dit } from '../model/dit.ts';
import { GpuWeights } from '../model/gpu_weights.ts';
import { UniformCache } from '../model/recorder.ts';
import { T5Encoder } from '../model/text_encoder.ts';
import { WordTokenizer } from '../model/tokenizer.ts';
import { partWeightSet } from '../model/part_files.ts';

export class TextToVideoModel {
  readonly pool: BufferPool;
  readonly uniforms: UniformCache;
  private readonly constants: Constants;
  private readonly ditWeights: GpuWeights;
  private readonly textWeights: GpuWeights;

  private constructor(
    readonly device: GPUDevice,
    readonly config: ModelConfig,
    readonly tokenizer: WordTokenizer,
    readonly textEncoder: T5Encoder,
    readonly dit: Dit,
    parts: { constants: Constants; ditWeights: GpuWeights; textWeights: GpuWeights },
  ) {
    this.pool = new BufferPool(device);
    this.uniforms = new UniformCache(device);
    this.constants = parts.constants;
    this.ditWeights = parts.ditWeights;
    this.textWeights = parts.textWeights;
  }

  /**
   * From a manifest's config and files (path → bytes). `dtype` is the storage of weights and
   * activations: f32 works on every adapter (SwiftShader has no shader-f16); the engine takes f16
   * where the device has shader-f16.
   */
  static fromFiles(device: GPUDevice, configJson: unknown, files: ReadonlyMap<string, Uint8Array>, dtype: DType = 'f32'): TextToVideoModel {
    const config = parseModelConfig(configJson);
    const file = (path: string) => {
      const bytes = files.get(path);
      if (!bytes) throw new Error(`the model has no ${path}`);
      return bytes;
    };
    const tokenizer = WordTokenizer.fromJson(JSON.parse(new TextDecoder().decode(file('tokenizer.json'))));
    const textSet = partWeightSet(files, 'text_encoder');
    const ditSet = partWeightSet(files, 'dit'); // zoetrope-s's DiT is over the 16 MiB file limit: shards
    const constants = new Constants(device);
    const textWeights = new GpuWeights(device, textSet);
    const ditWeights = new GpuWeights(device, ditSet);
    const textEncoder = new T5Encoder(config.text_encoder, textWeights, textSet, dtype, constants);
    const dit = new Dit(config.dit, ditWeights, dtype, constants);
    return new TextToVideoModel(device, config, tokenizer, textEncoder, dit, { constants, ditWeights, textWeights });
  }

  destroy(): void {
    this.pool.destroy();
    this.uniforms.destroy();
    this.textEncoder.destroy();
    this.dit.destroy();
    this.ditWeights.destroy();
    this.textWeights.destroy();
    this.constants.destroy();
  }
}
