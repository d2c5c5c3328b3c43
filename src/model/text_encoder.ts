// The T5-style text encoder, composed from the WGSL kernels. Reads like its PyTorch twin,
// models/train/text_encoder.py (umT5's structure: RMSNorm without mean or bias, per-layer
// relative position bias, no 1/√d attention scale, gated-GELU FFN, no biases anywhere).
import { gatherKernel } from '../gpu/ops/embedding.ts';
import { relativePositionBucket } from '../gpu/reference/embedding.ts';
import { uploadTensor } from '../gpu/buffers.ts';
import type { DType, Tensor } from '../gpu/tensor.ts';
import type { TextEncoderConfig } from './config.ts';
import type { GpuWeights, TensorSource } from './gpu_weights.ts';
import type { Constants } from './constants.ts';
import { attention, geluTanhMul, linear, linearGatedResidual, releaseCopy, rmsNorm, toStorage, type Matrix } from './layers.ts';
import type { ForwardRecorder } from './recorder.ts';

export class T5Encoder {
  /** Per block: the relative-position bias as the attention kernel's table (heads, 2·L − 1). */
  private biasTables: Tensor[] | null = null;
  private biasTablesLength = 0;

  constructor(
    readonly config: TextEncoderConfig,
    private readonly weights: GpuWeights,
    /** CPU access to the bucket embeddings, which become bias tables once at load. */
    private readonly cpuWeights: TensorSource,
    /** Storage precision of weights and matmul inputs; the residual stream stays f32. */
    readonly dtype: DType,
    private readonly constants: Constants,
    /**
     * How the Linear weights are stored: in `dtype`, or in int8 with a scale per output channel
     * (umT5-XXL's 4.7 B block weights; src/gpu/int8.ts), multiplied by activations in `dtype`.
     */
    private readonly linearWeights: 'float' | 'int8' = 'float',
  ) {}

  private w(name: string): Tensor {
    return this.weights.get(name, this.dtype);
  }

  /** A Linear weight (out, in), in row blocks that each fit a binding. */
  private m(name: string): Matrix {
    return this.linearWeights === 'int8' ? this.weights.int8Matrix(`${name}.weight`) : this.weights.matrix(`${name}.weight`, this.dtype);
  }

  /**
   * ids (text_len) u32, the prompt's tokens then padding → (text_len, dim). Rows past `length`
   * are zeroed: that is the DiT's context, which attends over all text_len rows.
   */
  encode(r: ForwardRecorder, ids: Tensor, length: number): Tensor {
    const c = this.config;
    const textLen = ids.shape[0]!;
    // The residual stream is f32 (fp16 T5 residuals are known to overflow), so the embedding table
    // is kept in f32 too and gathered straight into it.
    const x = r.tensor([textLen, c.dim], 'f32');
    // A table too large for one binding comes in row blocks; each gather fills the ids in its block.
    let rowBegin = 0;
    for (const table of this.weights.matrix('token_embedding.weight', 'f32')) {
      const rowEnd = rowBegin + table.shape[0]!;
      r.run(gatherKernel, { count: textLen, dim: c.dim, rowBegin, rowEnd, precision: 'f32' }, { ids, out: x, table });
      rowBegin = rowEnd;
    }
    return this.encodeEmbedded(r, x, length);
  }

  /**
   * The same from the embedded tokens x (text_len, dim), f32, which this call consumes (frees). For
   * umT5-XXL, whose 1 B-parameter table stays in the checkpoint file, the caller gathers the
   * prompt's rows on the CPU (umt5.ts) and uploads them.
   */
  encodeEmbedded(r: ForwardRecorder, x: Tensor, length: number): Tensor {
    const c = this.config;
    const textLen = x.shape[0]!;
    r.trace('token_embedding', x);
    const tables = this.biasTablesFor(r.device, textLen);
    const ones = this.constants.ones(c.dim);
    for (let i = 0; i < c.num_layers; i++) {
      const p = `blocks.${i}.`;
      // Self-attention: no scale, the learned relative bias, padded keys masked.
      const h = this.norm(r, x, `${p}norm1.weight`);
      const q = linear(r, h, this.m(`${p}attn.q`), null);
      const k = linear(r, h, this.m(`${p}attn.k`), null);
      const v = linear(r, h, this.m(`${p}attn.v`), null);
      r.free(h);
      const attended = attention(r, q, k, v, { heads: c.num_heads, headDim: c.head_dim, scale: 1, kvValid: length, bias: tables[i]! });
      r.free(q, k, v);
      linearGatedResidual(r, x, attended, this.m(`${p}attn.o`), null, ones);
      r.free(attended);
      // Gated-GELU FFN: fc2(fc1(h) · gelu_tanh(gate(h))).
      const h2 = this.norm(r, x, `${p}norm2.weight`);
      const a = linear(r, h2, this.m(`${p}ffn.fc1`), null);
      const g = linear(r, h2, this.m(`${p}ffn.gate.0`), null);
      r.free(h2);
      const gated = geluTanhMul(r, a, g);
      r.free(a, g);
      linearGatedResidual(r, x, gated, this.m(`${p}ffn.fc2`), null, ones);
      r.free(gated);
      r.trace(`blocks.${i}`, x);
    }
    const out = this.norm(r, x, 'norm.weight');
    r.free(x);
    r.trace('output', out);
    r.clearRows(out, length);
    r.trace('output.padded', out);
    return out;
  }

  /** RMSNorm of the f32 residual stream, read in the storage type (rounding it first with f16). */
  private norm(r: ForwardRecorder, x: Tensor, weight: string): Tensor {
    const xT = toStorage(r, x, this.dtype);
    const y = rmsNorm(r, xT, this.w(weight), this.config.eps);
    releaseCopy(r, xT, x);
    return y;
  }

  /**
   * T5's bias depends only on key − query, so each block's (heads, L, L) bias is a table over the
   * 2·L − 1 offsets: built on the CPU once per text length from the bucket embeddings.
   */
  private biasTablesFor(device: GPUDevice, textLen: number): Tensor[] {
    if (!this.biasTables || this.biasTablesLength !== textLen) {
      for (const table of this.biasTables ?? []) table.buffer.destroy();
      this.biasTablesLength = textLen;
      const c = this.config;
      const span = 2 * textLen - 1;
      this.biasTables = Array.from({ length: c.num_layers }, (_, i) => {
        const embedding = this.cpuWeights.load(`blocks.${i}.pos_embedding.embedding.weight`, 'f32') as Float32Array; // (buckets, heads)
        const table = new Float32Array(c.num_heads * span);
        for (let h = 0; h < c.num_heads; h++) {
          for (let offset = -(textLen - 1); offset <= textLen - 1; offset++) {
            const bucket = relativePositionBucket(offset, { numBuckets: c.num_buckets, maxDistance: c.max_distance });
            table[h * span + offset + textLen - 1] = embedding[bucket * c.num_heads + h]!;
          }
        }
        return uploadTensor(device, table, [c.num_heads, span], `t5-bias-${i}`, this.dtype); // the attention kernel reads T
      });
    }
    return this.biasTables;
  }

  destroy(): void {
    for (const table of this.biasTables ?? []) table.buffer.destroy();
  }
}
