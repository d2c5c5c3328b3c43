// The video diffusion transformer (Wan-2.1 style, with the masked-frame input), composed from
// the WGSL kernels. Reads like its PyTorch twin, models/train/dit.py; names are the state-dict
// names. Predicts the flow-matching velocity for a window of latent frames.
//
// Per prompt: `prepareText` embeds the text tokens and computes every block's cross-attention
// keys and values once. Per step: `forward` records the whole network into one command encoder;
// nothing is read back until the caller has the result.
import { uploadF32Tensor } from '../gpu/buffers.ts';
import { patchifyConcatKernel, patchifyKernel, unpatchifyKernel } from '../gpu/ops/patchify.ts';
import { timestepEmbeddingKernel } from '../gpu/ops/embedding.ts';
import { ropeTable } from '../gpu/ops/rope.ts';
import { type DType, type Tensor } from '../gpu/tensor.ts';
import { ditInputChannels, type DitConfig } from './config.ts';
import type { GpuWeights } from './gpu_weights.ts';
import type { Constants } from './constants.ts';
import {
  add, attention, chunk, layerNorm, linear, linearGatedResidual, linearToF32, lnModulate, releaseCopy, rmsNorm, rope, silu, toStorage,
} from './layers.ts';
import type { KvCache } from './kv_cache.ts';
import type { ForwardRecorder } from './recorder.ts';

/** Text state for one prompt: per block, the cross-attention keys and values (text_len, dim). */
export interface DitText {
  keys: Tensor[];
  values: Tensor[];
}

/** Latents of one window: (C, F, H, W) each, f32 in GPU buffers. */
export interface DitInputs {
  /** Noisy latents x_t. */
  x: Tensor;
  /** Given clean latents, already multiplied by the mask (zero on generated frames); unused without masked_frame_input (Wan's own DiT). */
  cleanMasked?: Tensor;
  /** (1, F, H, W): 1 on given frames, 0 on generated ones; unused without masked_frame_input. */
  mask?: Tensor;
  /** One f32: the timestep in [0, 1000]. */
  t: Tensor;
}

/**
 * Causal generation chunk by chunk (Self-Forcing): the window is one chunk whose first latent frame
 * is frame `startFrame` of the clip. Its RoPE frame positions start there; its self-attention keys
 * and values are written to the cache at the chunk's rows, and its queries attend to every row
 * before them too (earlier chunks) and to none after.
 */
export interface DitChunk {
  cache: KvCache;
  startFrame: number;
}

/**
 * The same attention pattern over a whole window at once, without a cache: every token sees its own
 * chunk of `chunkFrames` latent frames and the earlier ones (the reference a cached run must match).
 */
export interface DitChunkMask {
  chunkFrames: number;
}

export class Dit {
  /** f32 (cos, sin) table of RoPE angles for positions 0‥ropePositions − 1, uploaded once. */
  private ropeTable: Tensor | null = null;
  private readonly ropePositions = 256;

  constructor(
    readonly config: DitConfig,
    private readonly weights: GpuWeights,
    /**
     * Storage precision of the weights and of every activation a matmul or attention reads. The
     * residual stream, the timestep terms and the modulation stay f32 at either precision (as Wan
     * computes them), and so do the inputs and the output velocity.
     */
    readonly dtype: DType,
    private readonly constants: Constants,
  ) {}

  private w(name: string): Tensor {
    return this.weights.get(name, this.dtype);
  }

  /** A Linear weight (out, in), in row blocks that each fit a binding. */
  private m(name: string) {
    return this.weights.matrix(`${name}.weight`, this.dtype);
  }

  /** Weights read by the f32 residual stream and modulation kernels. */
  private w32(name: string): Tensor {
    return this.weights.get(name, 'f32');
  }

  /**
   * context (text_len, text_dim), in f32 or the storage type → per-block cross-attention keys and
   * values. Once per prompt.
   */
  prepareText(r: ForwardRecorder, context: Tensor): DitText {
    const { eps } = this.config;
    const contextT = toStorage(r, context, this.dtype);
    const hidden = linear(r, contextT, this.m('text_embedding.0'), this.w('text_embedding.0.bias'), 'gelu_tanh');
    releaseCopy(r, contextT, context);
    const text = linear(r, hidden, this.m('text_embedding.2'), this.w('text_embedding.2.bias')); // (Lt, dim)
    r.free(hidden);
    r.trace('text_embedding', text);
    const keys: Tensor[] = [];
    const values: Tensor[] = [];
    for (let i = 0; i < this.config.num_layers; i++) {
      const p = `blocks.${i}.cross_attn.`;
      const k = linear(r, text, this.m(`${p}k`), this.w(`${p}k.bias`));
      keys.push(rmsNorm(r, k, this.w(`${p}norm_k.weight`), eps));
      r.free(k);
      values.push(linear(r, text, this.m(`${p}v`), this.w(`${p}v.bias`)));
    }
    r.free(text);
    return { keys, values };
  }

  /** Velocity (C, F, H, W) for the window; the caller frees it (r.free) after reading. */
  forward(r: ForwardRecorder, inputs: DitInputs, text: DitText, causal?: DitChunk | DitChunkMask): Tensor {
    const c = this.config;
    const [channels, frames, latentH, latentW] = inputs.x.shape as [number, number, number, number];
    const grid = { frames, height: latentH / 2, width: latentW / 2, heads: c.num_heads, headDim: c.head_dim, frameOffset: causal && 'cache' in causal ? causal.startFrame : 0 };
    const tokens = grid.frames * grid.height * grid.width;

    const patches = this.patchify(r, inputs);
    // The Conv3d weight (dim, 2C+1, 1, 2, 2) as a matrix is the Linear over flattened patches.
    const x = linearToF32(r, patches, this.m('patch_embedding'), this.w('patch_embedding.bias'), this.constants); // (L, dim): the f32 residual stream
    r.free(patches);
    r.trace('patch_embedding', x);

    // Timestep: sinusoid → MLP gives e (dim); SiLU → Linear gives e0 (6, dim).
    const sinusoid = r.tensor([1, c.freq_dim], this.dtype);
    r.run(timestepEmbeddingKernel, { count: 1, freqDim: c.freq_dim, precision: this.dtype }, { t: inputs.t, embedding: sinusoid });
    r.trace('time_sinusoid', sinusoid);
    const hidden = linear(r, sinusoid, this.m('time_embedding.0'), this.w('time_embedding.0.bias'), 'silu');
    const e = linearToF32(r, hidden, this.m('time_embedding.2'), this.w('time_embedding.2.bias'), this.constants); // (1, dim) f32
    const eSilu = silu(r, e);
    const eSiluT = toStorage(r, eSilu, this.dtype);
    const e0 = linearToF32(r, eSiluT, this.m('time_projection.1'), this.w('time_projection.1.bias'), this.constants); // (1, 6·dim) f32
    releaseCopy(r, eSiluT, eSilu);
    r.free(sinusoid, hidden, eSilu);
    r.trace('time_embedding', e);
    r.trace('time_projection', e0);

    const table = this.rope(r);
    for (let i = 0; i < c.num_layers; i++) {
      this.block(r, i, x, e0, text, table, grid, causal);
    }

    // Head: modulated LayerNorm with (head.modulation + e), then Linear to 1·2·2·C per token.
    const h = lnModulate(r, x, { e, table: this.w32('head.modulation'), chunks: 2, shift: 0, scale: 1, eBroadcast: true }, c.eps, this.dtype);
    const head = linearToF32(r, h, this.m('head.head'), this.w('head.head.bias'), this.constants); // (L, 4·C_out) f32
    r.free(h, x, e, e0);
    r.trace('head', head);
    const velocity = r.tensor([c.out_channels, frames, latentH, latentW], 'f32');
    r.run(
      unpatchifyKernel,
      { channels: c.out_channels, frames, height: latentH, width: latentW, precision: 'f32' },
      { tokens: head, latents: velocity },
    );
    r.free(head);
    r.trace('output', velocity);
    return velocity;
  }

  /** One Wan attention block, updating the residual stream x (L, dim) in place. */
  private block(
    r: ForwardRecorder,
    i: number,
    x: Tensor,
    e0: Tensor,
    text: DitText,
    table: Tensor,
    grid: { frames: number; height: number; width: number; heads: number; headDim: number; frameOffset: number },
    causal?: DitChunk | DitChunkMask,
  ): void {
    const c = this.config;
    const p = `blocks.${i}.`;
    const modulation = this.w32(`${p}modulation`); // (1, 6, dim): shift1, scale1, gate1, shift2, scale2, gate2
    const mod = add(r, modulation, e0); // (1, 6, dim): modulation + e0, whose chunks 2 and 5 are the gates
    const shape = { heads: c.num_heads, headDim: c.head_dim, scale: 1 / Math.sqrt(c.head_dim) };

    // 1–3. Self-attention on the modulated norm, q/k RMS-normed and rotated; x += gate1 · o(·).
    const h = lnModulate(r, x, { e: e0, table: modulation, chunks: 6, shift: 0, scale: 1 }, c.eps, this.dtype);
    const q = this.projectNormed(r, h, `${p}self_attn.q`, `${p}self_attn.norm_q.weight`);
    const k = this.projectNormed(r, h, `${p}self_attn.k`, `${p}self_attn.norm_k.weight`);
    const v = linear(r, h, this.m(`${p}self_attn.v`), this.w(`${p}self_attn.v.bias`));
    r.free(h);
    rope(r, q, table, grid);
    rope(r, k, table, grid);
    const attended =
      causal && 'cache' in causal ? this.attendCached(r, i, q, k, v, causal, grid)
      : attention(r, q, k, v, { ...shape, chunkTokens: causal ? causal.chunkFrames * grid.height * grid.width : undefined });
    r.free(q, k, v);
    linearGatedResidual(r, x, attended, this.m(`${p}self_attn.o`), this.w(`${p}self_attn.o.bias`), chunk(mod, 2, c.dim));
    r.free(attended);
    r.trace(`${p}self_attn`, x);

    // 4. Cross-attention to the text on the affine-normed stream; no gate. (With f16 storage the
    // norm reads the residual rounded to f16: relative error 2⁻¹¹, like the norm's own output.)
    const xT = toStorage(r, x, this.dtype);
    const n3 = layerNorm(r, xT, c.eps, { weight: this.w(`${p}norm3.weight`), bias: this.w(`${p}norm3.bias`) });
    releaseCopy(r, xT, x);
    const qc = this.projectNormed(r, n3, `${p}cross_attn.q`, `${p}cross_attn.norm_q.weight`);
    r.free(n3);
    const crossed = attention(r, qc, text.keys[i]!, text.values[i]!, shape);
    r.free(qc);
    linearGatedResidual(r, x, crossed, this.m(`${p}cross_attn.o`), this.w(`${p}cross_attn.o.bias`), this.constants.ones(c.dim));
    r.free(crossed);
    r.trace(`${p}cross_attn`, x);

    // 5. FFN on the second modulated norm; x += gate2 · ffn(·).
    const h2 = lnModulate(r, x, { e: e0, table: modulation, chunks: 6, shift: 3, scale: 4 }, c.eps, this.dtype);
    const up = linear(r, h2, this.m(`${p}ffn.0`), this.w(`${p}ffn.0.bias`), 'gelu_tanh');
    r.free(h2);
    linearGatedResidual(r, x, up, this.m(`${p}ffn.2`), this.w(`${p}ffn.2.bias`), chunk(mod, 5, c.dim));
    r.free(up, mod);
    r.trace(`blocks.${i}`, x);
  }

  /**
   * Self-attention of a chunk through the cache: its keys and values go to rows [start, start + L)
   * of layer i's cache, and its queries (at position start) attend over rows [0, start + L).
   */
  private attendCached(r: ForwardRecorder, i: number, q: Tensor, k: Tensor, v: Tensor, causal: DitChunk, grid: { height: number; width: number }): Tensor {
    const c = this.config;
    const tokens = q.shape[0]!;
    const start = causal.startFrame * grid.height * grid.width;
    const { keys, values } = causal.cache.layer(i);
    if (start + tokens > causal.cache.capacity) throw new RangeError(`KV cache of ${causal.cache.capacity} tokens cannot hold tokens ${start}–${start + tokens}`);
    const rowBytes = k.byteSize / tokens;
    r.copy(k, 0, keys, start * rowBytes, k.byteSize);
    r.copy(v, 0, values, start * rowBytes, v.byteSize);
    const cachedK = { ...keys, shape: [start + tokens, c.dim], byteSize: (start + tokens) * rowBytes };
    const cachedV = { ...values, shape: [start + tokens, c.dim], byteSize: (start + tokens) * rowBytes };
    return attention(r, q, cachedK, cachedV, { heads: c.num_heads, headDim: c.head_dim, scale: 1 / Math.sqrt(c.head_dim), qOffset: start });
  }

  /** Tokens (L, channels·4) of the window: Wan's latents alone, or concat(x, clean·mask, mask). */
  private patchify(r: ForwardRecorder, inputs: DitInputs): Tensor {
    const c = this.config;
    const [channels, frames, height, width] = inputs.x.shape as [number, number, number, number];
    const tokens = frames * (height / 2) * (width / 2);
    const patches = r.tensor([tokens, ditInputChannels(c) * 4], this.dtype);
    const a = toStorage(r, inputs.x, this.dtype);
    if (!c.masked_frame_input) {
      r.run(patchifyKernel, { channels, frames, height, width, precision: this.dtype }, { latents: a, tokens: patches });
      releaseCopy(r, a, inputs.x);
      return patches;
    }
    if (!inputs.cleanMasked || !inputs.mask) throw new Error('this DiT reads given frames: cleanMasked and mask are required');
    const b = toStorage(r, inputs.cleanMasked, this.dtype);
    const m = toStorage(r, inputs.mask, this.dtype);
    r.run(patchifyConcatKernel, { channels, channelsB: channels, channelsC: 1, frames, height, width, precision: this.dtype }, { a, b, c: m, tokens: patches });
    releaseCopy(r, a, inputs.x);
    releaseCopy(r, b, inputs.cleanMasked);
    releaseCopy(r, m, inputs.mask);
    return patches;
  }

  /** RMSNorm(W·h + b) over the full dim: Wan's q/k projection with qk_norm. */
  private projectNormed(r: ForwardRecorder, h: Tensor, linearName: string, normWeight: string): Tensor {
    const projected = linear(r, h, this.m(`${linearName}`), this.w(`${linearName}.bias`));
    const normed = rmsNorm(r, projected, this.w(normWeight), this.config.eps);
    r.free(projected);
    return normed;
  }

  private rope(r: ForwardRecorder): Tensor {
    if (!this.ropeTable) {
      const data = ropeTable(this.config.head_dim, this.ropePositions, this.config.rope_theta);
      this.ropeTable = uploadF32Tensor(r.device, data, [this.ropePositions, this.config.head_dim / 2, 2], 'rope-table');
    }
    return this.ropeTable;
  }

  destroy(): void {
    this.ropeTable?.buffer.destroy();
  }
}
