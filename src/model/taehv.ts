// TAEHV's decoder for Wan 2.1 (madebyollin/taehv, `taew2_1.pth`, MIT) on our WGSL kernels: Wan's
// 16-channel latents → RGB frames, 4× in time and 8× in space, causal, so a clip decodes chunk by
// chunk as its latents are made and GPU memory stays flat with duration.
//
// The published decoder is one nn.Sequential (models/wan/taehv.py is our twin of it):
//   0 SoftClamp · 1 Conv3×3 16→256 · 2 ReLU ·
//   per level L = 0, 1, 2 (widths 256, 128, 64 → 128, 64, 64), from index 3 + 6L:
//     3 MemBlocks · Upsample ×2 · TimeGrow (1×1 conv to s·C channels, s = 1, 2, 2) · Conv3×3, no bias
//   21 ReLU · 22 Conv3×3 64→3; then clamp to [0, 1] and, for the clip's first chunk, drop 3 frames.
// A MemBlock is relu(conv(relu(conv(relu(conv(cat(x, past))))) + x)), past = x one frame earlier.
// Each step runs as one conv2d pass (shaders/conv.wgsl) with its neighbours folded in: the soft
// clamp and first ReLU into conv 1; the upsample into the conv after the time grow (a 1×1 conv
// commutes with a nearest-neighbour upsample); the skip and ReLU into a MemBlock's last conv.
//
// Streaming: each MemBlock keeps the last frame of its input from the chunk before (`carry`,
// zeros at the start of the clip), so decoding T latents at a time gives the frames decoding them
// all at once would.
import { uploadTensor } from '../gpu/buffers.ts';
import { conv2dKernel, type ConvActivation, type ConvParams } from '../gpu/ops/conv.ts';
import { reshape, type DType, type Tensor } from '../gpu/tensor.ts';
import { checkAgainstManifest, listingOf, type WeightManifest } from './checkpoint/manifest.ts';
import type { BlobTensorSet } from './checkpoint/tensor_set.ts';
import type { ForwardRecorder } from './recorder.ts';

export const TAEHV_LATENT_CHANNELS = 16;
const WIDTHS = [256, 128, 64, 64];
const TIME_UPSCALE = [1, 2, 2];
/** Frames of the clip's first chunk that are dropped: 2^(number of time upscales) − 1. */
export const TAEHV_FRAMES_TO_TRIM = 3;
const FIRST_LEVEL = 3;
const FINAL_CONV = 22;

interface MemBlock {
  index: number;
  channels: number;
  convs: [Tensor, Tensor, Tensor];
  biases: [Tensor, Tensor, Tensor];
  /** The last frame of this block's input in the chunk before: (channels, H, W) at the clip's size. */
  carry: Tensor | null;
}

export class TaehvDecoder {
  private carriesAt: number | null = null;

  private constructor(
    private readonly device: GPUDevice,
    readonly dtype: DType,
    private readonly weights: Map<string, Tensor>,
    private readonly blocks: MemBlock[],
  ) {}

  /** The decoder's weights from a TAEHV checkpoint, checked against its manifest, uploaded one tensor at a time. */
  static async load(device: GPUDevice, set: BlobTensorSet, manifest: WeightManifest, dtype: DType): Promise<TaehvDecoder> {
    checkAgainstManifest(listingOf(set), manifest, {}, set.label);
    const weights = new Map<string, Tensor>();
    for (const name of set.names.filter((n) => n.startsWith('decoder.'))) {
      const data = (await set.load(name, 'f32')) as Float32Array;
      weights.set(name, uploadTensor(device, data, set.info(name).shape, `taehv ${name}`, dtype));
    }
    const get = (name: string) => weights.get(name)!;
    const blocks: MemBlock[] = [];
    for (let level = 0; level < TIME_UPSCALE.length; level++) {
      for (let k = 0; k < 3; k++) {
        const index = FIRST_LEVEL + 6 * level + k;
        const at = (i: number) => `decoder.${index}.conv.${i}`;
        blocks.push({
          index,
          channels: WIDTHS[level]!,
          convs: [get(`${at(0)}.weight`), get(`${at(2)}.weight`), get(`${at(4)}.weight`)],
          biases: [get(`${at(0)}.bias`), get(`${at(2)}.bias`), get(`${at(4)}.bias`)],
          carry: null,
        });
      }
    }
    return new TaehvDecoder(device, dtype, weights, blocks);
  }

  /** Frames out of `latentFrames` latents: 4 each, less the first chunk's 3. */
  static framesOut(latentFrames: number, firstChunk: boolean): number {
    return 4 * latentFrames - (firstChunk ? TAEHV_FRAMES_TO_TRIM : 0);
  }

  /** Forget the clip so far: the next chunk decodes as a clip's first. */
  reset(): void {
    for (const block of this.blocks) {
      block.carry?.buffer.destroy();
      block.carry = null;
    }
    this.carriesAt = null;
  }

  /**
   * Records the decoding of one chunk of latents (T, 16, h, w) into frames (4T, 3, 8h, 8w) in
   * [0, 1] (the caller drops the first TAEHV_FRAMES_TO_TRIM of a clip's first chunk). Every
   * chunk of a clip must have the same h and w. Traced names are the published stack's indices.
   */
  decode(r: ForwardRecorder, latents: Tensor): Tensor {
    const [frames, channels, height, width] = latents.shape as [number, number, number, number];
    if (channels !== TAEHV_LATENT_CHANNELS) throw new Error(`TAEHV decodes ${TAEHV_LATENT_CHANNELS}-channel latents, not ${channels}`);
    this.ensureCarries(height, width);
    let f = frames;
    let [h, w] = [height, width];
    let x = this.conv(r, latents, this.weight(1), { frames: f, channelsIn: channels, channelsOut: WIDTHS[0]!, height: h, width: w, kernel: 3, bias: this.weight(1, 'bias'), softClamp: true, activation: 'relu' });
    r.trace('decoder.2', x);
    for (let level = 0; level < TIME_UPSCALE.length; level++) {
      const c = WIDTHS[level]!;
      for (const block of this.blocks.slice(3 * level, 3 * level + 3)) {
        const next = this.memBlock(r, block, x, f, h, w);
        r.free(x);
        x = next;
        r.trace(`decoder.${block.index}`, x);
      }
      const s = TIME_UPSCALE[level]!;
      const base = FIRST_LEVEL + 6 * level;
      const grown = this.conv(r, x, this.weight(base + 4, 'conv.weight'), { frames: f, channelsIn: c, channelsOut: s * c, height: h, width: w, kernel: 1 });
      r.free(x);
      // (F, s·C, H, W) read as (F·s, C, H, W): the time grow's frames, in order.
      f *= s;
      [h, w] = [2 * h, 2 * w];
      const last = level === TIME_UPSCALE.length - 1;
      x = this.conv(r, reshape(grown, [f, c, h / 2, w / 2]), this.weight(base + 5), {
        frames: f, channelsIn: c, channelsOut: WIDTHS[level + 1]!, height: h, width: w, kernel: 3, upsample: true, activation: last ? 'relu' : 'none',
      });
      r.free(grown);
      r.trace(`decoder.${last ? FINAL_CONV - 1 : base + 5}`, x);
    }
    const rgb = this.conv(r, x, this.weight(FINAL_CONV), { frames: f, channelsIn: WIDTHS[3]!, channelsOut: 3, height: h, width: w, kernel: 3, bias: this.weight(FINAL_CONV, 'bias'), activation: 'clamp01' });
    r.free(x);
    return rgb;
  }

  destroy(): void {
    this.reset();
    for (const tensor of this.weights.values()) tensor.buffer.destroy();
    this.weights.clear();
  }

  private weight(index: number, suffix = 'weight'): Tensor {
    const tensor = this.weights.get(`decoder.${index}.${suffix}`);
    if (!tensor) throw new Error(`TAEHV: decoder.${index}.${suffix} was not loaded`);
    return tensor;
  }

  /** relu(conv(relu(conv(relu(conv(cat(x, past)))))) + x), and x's last frame kept for the next chunk. */
  private memBlock(r: ForwardRecorder, block: MemBlock, x: Tensor, frames: number, height: number, width: number): Tensor {
    const shape = { frames, channelsIn: block.channels, channelsOut: block.channels, height, width, kernel: 3 as const };
    const a = this.conv(r, x, block.convs[0], { ...shape, bias: block.biases[0], concatPast: block.carry!, activation: 'relu' });
    const b = this.conv(r, a, block.convs[1], { ...shape, bias: block.biases[1], activation: 'relu' });
    r.free(a);
    const out = this.conv(r, b, block.convs[2], { ...shape, bias: block.biases[2], residual: x, activation: 'relu' });
    r.free(b);
    // After the first conv has read the carry: this chunk's last input frame becomes the next one's past.
    const frameBytes = block.carry!.byteSize;
    r.copy(x, (frames - 1) * frameBytes, block.carry!, 0, frameBytes);
    return out;
  }

  private conv(
    r: ForwardRecorder,
    x: Tensor,
    weight: Tensor,
    o: Pick<ConvParams, 'frames' | 'channelsIn' | 'channelsOut' | 'height' | 'width' | 'kernel'> & {
      bias?: Tensor; concatPast?: Tensor; residual?: Tensor; upsample?: boolean; softClamp?: boolean; activation?: ConvActivation;
    },
  ): Tensor {
    const y = r.tensor([o.frames, o.channelsOut, o.height, o.width], this.dtype);
    const params: ConvParams = {
      frames: o.frames, channelsIn: o.channelsIn, channelsOut: o.channelsOut, height: o.height, width: o.width, kernel: o.kernel,
      bias: o.bias !== undefined, concatPast: o.concatPast !== undefined, upsample: o.upsample ?? false, softClamp: o.softClamp ?? false,
      residual: o.residual !== undefined, activation: o.activation ?? 'none', precision: this.dtype,
    };
    // Inputs an option leaves unused are bound to the weight, which the shader then never reads.
    r.run(conv2dKernel, params, { x, weight, bias: o.bias ?? weight, carry: o.concatPast ?? weight, residual: o.residual ?? weight, y });
    return y;
  }

  /** One zeroed carry per MemBlock at the size its level runs at, made when a clip starts. */
  private ensureCarries(height: number, width: number): void {
    if (this.carriesAt !== null) {
      if (this.carriesAt !== height * 65536 + width) throw new Error('TAEHV: every chunk of a clip must have the same latent size (reset() between clips)');
      return;
    }
    for (const block of this.blocks) {
      const scale = 2 ** Math.floor((block.index - FIRST_LEVEL) / 6);
      const shape = [block.channels, height * scale, width * scale];
      block.carry = uploadTensor(this.device, new Float32Array(shape[0]! * shape[1]! * shape[2]!), shape, `taehv carry ${block.index}`, this.dtype);
    }
    this.carriesAt = height * 65536 + width;
  }
}
