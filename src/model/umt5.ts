// umT5-XXL's encoder (Wan 2.1's text encoder) from its published checkpoint
// (models_t5_umt5-xxl-enc-bf16.pth), on the T5 encoder of text_encoder.ts with int8 Linear weights:
//
//   - every block's q, k, v, o, gate, fc1, fc2 (4.7 B parameters) are read one tensor at a time,
//     quantized to int8 with a scale per output channel and uploaded (4.7 GB of GPU memory instead
//     of 9.4 GB in f16; no step holds more than one tensor in memory, 168 MB for fc1 as f32);
//   - the norms go up in the activation precision, the relative-position embeddings stay on the CPU
//     (the encoder turns them into bias tables);
//   - the token embedding (256 384 × 4096, 1 B parameters) never goes to the GPU: a prompt's few
//     hundred rows are read from the file by row and uploaded as the first activations.
import type { Tensor } from '../gpu/tensor.ts';
import { checkAgainstManifest, listingOf, type Reduction, type WeightManifest } from './checkpoint/manifest.ts';
import { StagedTensors, uploadOneByOne } from './checkpoint/staged_tensors.ts';
import type { BlobTensorSet } from './checkpoint/tensor_set.ts';
import type { TextEncoderConfig } from './config.ts';
import type { Constants } from './constants.ts';
import { GpuWeights } from './gpu_weights.ts';
import type { ForwardRecorder } from './recorder.ts';
import { T5Encoder } from './text_encoder.ts';
import type { DType } from '../gpu/tensor.ts';

const LINEAR = /^blocks\.\d+\.(attn\.[qkvo]|ffn\.(gate\.0|fc1|fc2))\.weight$/;
const RELATIVE_EMBEDDING = /^blocks\.\d+\.pos_embedding\.embedding\.weight$/;
const TOKEN_EMBEDDING = 'token_embedding.weight';

export interface Umt5Options {
  /** Activation precision (the int8 weights multiply activations of this type). */
  dtype: DType;
  /** 'int8' (the default) or the float weights in `dtype`, for comparisons. */
  linearWeights?: 'int8' | 'float';
  /** Largest binding; defaults to the device's limit. */
  maxBindingBytes?: number;
  /** The checkpoint's departure from the published one (a test twin's fewer blocks). */
  reduction?: Reduction;
}

export class Umt5Encoder {
  private constructor(
    readonly encoder: T5Encoder,
    private readonly weights: GpuWeights,
    private readonly set: BlobTensorSet,
  ) {}

  /** Checks `set` against the manifest, then uploads it tensor by tensor. */
  static async load(
    device: GPUDevice,
    set: BlobTensorSet,
    manifest: WeightManifest,
    config: TextEncoderConfig,
    constants: Constants,
    options: Umt5Options,
  ): Promise<Umt5Encoder> {
    checkAgainstManifest(listingOf(set), manifest, options.reduction, set.label);
    const staged = new StagedTensors(set);
    const weights = new GpuWeights(device, staged, options.maxBindingBytes);
    const linearWeights = options.linearWeights ?? 'int8';
    const requests = set.names
      .filter((name) => name !== TOKEN_EMBEDDING)
      .map((name) => {
        if (RELATIVE_EMBEDDING.test(name)) return { name, dtype: 'f32' as const, upload: () => {}, keep: true };
        if (!LINEAR.test(name)) return { name, dtype: options.dtype, upload: () => void weights.get(name, options.dtype) };
        if (linearWeights === 'int8') return { name, dtype: 'f32' as const, upload: () => void weights.int8Matrix(name) };
        return { name, dtype: options.dtype, upload: () => void weights.matrix(name, options.dtype) };
      });
    await uploadOneByOne(staged, requests);
    const encoder = new T5Encoder(config, weights, staged, options.dtype, constants, linearWeights);
    return new Umt5Encoder(encoder, weights, set);
  }

  /** The prompt's token embeddings (ids.length, dim) in f32, read row by row from the checkpoint. */
  async embed(ids: ArrayLike<number>): Promise<Float32Array<ArrayBuffer>> {
    const dim = this.encoder.config.dim;
    const rows = new Float32Array(ids.length * dim);
    for (let t = 0; t < ids.length; t++) {
      rows.set((await this.set.load(TOKEN_EMBEDDING, 'f32', { first: ids[t]!, count: 1 })) as Float32Array, t * dim);
    }
    return rows;
  }

  /**
   * Records the encoder on embedded tokens (text_len, dim) → (text_len, dim); rows past `length`
   * zeroed. The embeddings are written into a pooled tensor before the recorder's work is submitted.
   */
  encode(r: ForwardRecorder, embedded: Float32Array<ArrayBuffer>, length: number): Tensor {
    const dim = this.encoder.config.dim;
    const x = r.tensor([embedded.length / dim, dim], 'f32');
    r.device.queue.writeBuffer(x.buffer, x.offset, embedded);
    return this.encoder.encodeEmbedded(r, x, length);
  }

  /** GPU bytes of the uploaded weights. */
  get uploadedBytes(): number {
    return this.weights.uploadedBytes;
  }

  destroy(): void {
    this.encoder.destroy();
    this.weights.destroy();
  }
}
