// The model's three ONNX graphs (exported by models/train/onnx_export.py) on ORT-web's WASM EP,
// with CPU Float32Arrays in and out: the WASM backend's text encoder, DiT and VAE decoder. Each
// reads its weights as external data out of the model's f16 safetensors (ort_wasm.ts).
import type * as Ort from 'onnxruntime-web';
import { createShardedWasmSession, loadOrtWasm, runToF32, type OrtModule } from './ort_wasm.ts';
import { partWeightFiles } from './part_files.ts';

type Files = ReadonlyMap<string, Uint8Array>;

function file(files: Files, path: string): Uint8Array {
  const bytes = files.get(path);
  if (!bytes) throw new Error(`the model has no ${path}`);
  return bytes;
}

/** A session for `graph`, whose initializers point into the safetensors file(s) of `part`. */
async function session(files: Files, graph: string, part: string): Promise<Ort.InferenceSession> {
  return createShardedWasmSession(file(files, graph), partWeightFiles(files, part), graph);
}

/** text_encoder.onnx: ids (1, L) i64, mask (1, L) i64 → tokens (1, L, dim). */
export class OnnxTextEncoder {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
  ) {}

  static async create(files: Files): Promise<OnnxTextEncoder> {
    return new OnnxTextEncoder(await loadOrtWasm(), await session(files, 'text_encoder.onnx', 'text_encoder'));
  }

  /**
   * Text tokens (L, dim) for `ids` (the prompt's tokens, [EOS], then [PAD]), of which the first
   * `length` are real. Rows past `length` are zeroed, as the WGSL encoder does and the DiT expects
   * (models/train/dit.py: "text tokens zero-padded to text_len").
   */
  async encode(ids: Uint32Array, length: number): Promise<Float32Array> {
    const dims = [1, ids.length];
    const feeds = {
      ids: new this.ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), dims),
      mask: new this.ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => (i < length ? 1n : 0n)), dims),
    };
    const { data, dims: out } = await runToF32(this.session, feeds); // (1, L, dim)
    const dim = out[2]!;
    data.fill(0, length * dim);
    return data;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** dit.onnx: x, clean·mask (1, C, F, H, W), mask (1, 1, F, H, W), t (1), context (1, L, text_dim) → velocity (1, C, F, H, W). */
export class OnnxDit {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
  ) {}

  static async create(files: Files): Promise<OnnxDit> {
    return new OnnxDit(await loadOrtWasm(), await session(files, 'dit.onnx', 'dit'));
  }

  /** The velocity (C, F, H, W) at timestep `t` ∈ [0, 1000]; `shape` is (C, F, H, W), `text` (L, text_dim). */
  async forward(
    x: Float32Array, cleanMasked: Float32Array, mask: Float32Array, t: number, text: Float32Array,
    shape: readonly [number, number, number, number], textLen: number,
  ): Promise<Float32Array> {
    const [channels, frames, height, width] = shape;
    const { Tensor } = this.ort;
    const feeds = {
      x: new Tensor('float32', x, [1, channels, frames, height, width]),
      clean: new Tensor('float32', cleanMasked, [1, channels, frames, height, width]),
      mask: new Tensor('float32', mask, [1, 1, frames, height, width]),
      t: new Tensor('float32', Float32Array.of(t), [1]),
      context: new Tensor('float32', text, [1, textLen, text.length / textLen]),
    };
    return (await runToF32(this.session, feeds)).data;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** vae_decoder.onnx: latents (N, C, h, w) → frames (N, 3, s·h, s·w) in about [-1, 1] (s = latent.spatial_factor), frame by frame (2D convs). */
export class OnnxVaeDecoder {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
  ) {}

  static async create(files: Files): Promise<OnnxVaeDecoder> {
    return new OnnxVaeDecoder(await loadOrtWasm(), await session(files, 'vae_decoder.onnx', 'vae'));
  }

  async decode(latents: Float32Array, dims: readonly [number, number, number, number]): Promise<{ data: Float32Array; dims: number[] }> {
    return runToF32(this.session, { [this.session.inputNames[0]!]: new this.ort.Tensor('float32', latents, [...dims]) });
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
