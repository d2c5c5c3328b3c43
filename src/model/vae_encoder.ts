// The VAE encoder: given pictures (an image to start or end on, the last frames of a clip to
// extend) → latent frames the sampler keeps as they are. vae_encoder.onnx maps frames
// (N, 3, H, W) in [-1, 1] to the latent mean (N, C, H/8, W/8), frame by frame (2D convs); the
// latent scale is folded into its weights (models/train/latent_scale.py), so its output is in
// the DiT's latent space as it is. Its weights are external data in vae.safetensors, shared with
// the decoder.
//
// It runs where the decoder runs: on the WebGPU backend on ORT-web's WebGPU EP on our own device
// (vae.ts's build), on the WASM backend on the WASM EP (ort_wasm.ts). The pixels come from the CPU
// (a decoded image or video frame) and the latents go back to it: a few latent frames, once per
// clip, which the sampler then places in its given-frames input (cheap, and outside the loop).
//
// The session is built only when a clip first gives media (LazyVaeEncoder): text-to-video never
// pays for it.
import type * as Ort from 'onnxruntime-web';
import { checkExternalData } from './onnx_external_data.ts';
import { createWasmSession, loadOrtWasm, runToF32 } from './ort_wasm.ts';
import { loadOrt } from './vae.ts';

type OrtModule = typeof Ort;

/** RGBA8 frames → the VAE encoder's input (N, 3, H, W) in [-1, 1] (alpha dropped); vae.ts's framesToRgba is its inverse. */
export function rgbaToPlanar(frames: readonly Uint8Array[], width: number, height: number): Float32Array<ArrayBuffer> {
  const pixels = width * height;
  const out = new Float32Array(frames.length * 3 * pixels);
  for (const [n, rgba] of frames.entries()) {
    if (rgba.length !== pixels * 4) throw new Error(`frame ${n} has ${rgba.length} bytes, not ${pixels * 4}`);
    const base = n * 3 * pixels;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < 3; c++) out[base + c * pixels + p] = rgba[p * 4 + c]! / 127.5 - 1;
    }
  }
  return out;
}

/** Turns RGBA8 pictures into latent frames. */
export interface FrameEncoder {
  /** RGBA8 frames of `width`×`height` → their latents (N, C, H/8, W/8) f32, in CPU memory. */
  encode(frames: readonly Uint8Array[], width: number, height: number): Promise<Float32Array<ArrayBuffer>>;
}

/** An ORT session for vae_encoder.onnx, with the Tensor class of the build that made it. */
export interface VaeEncoderSession {
  ort: OrtModule;
  session: Ort.InferenceSession;
}

/** vae_encoder.onnx on the WebGPU EP, on `device` (the device our DiT and decoder use). */
export async function webgpuVaeEncoderSession(device: GPUDevice, graph: Uint8Array, weightsPath: string, weights: Uint8Array): Promise<VaeEncoderSession> {
  checkExternalData(graph, [{ path: weightsPath, bytes: weights }], 'vae_encoder.onnx');
  const ort = await loadOrt();
  const session = await ort.InferenceSession.create(graph, {
    executionProviders: [{ name: 'webgpu', device }],
    // The path must equal the `location` the graph's initializers name.
    externalData: [{ path: weightsPath, data: weights }],
  });
  return { ort, session };
}

/** vae_encoder.onnx on the WASM EP. */
export async function wasmVaeEncoderSession(graph: Uint8Array, weightsPath: string, weights: Uint8Array): Promise<VaeEncoderSession> {
  return { ort: await loadOrtWasm(), session: await createWasmSession(graph, weightsPath, weights, 'vae_encoder.onnx') };
}

/** A FrameEncoder whose session is opened on first use and kept for later clips. */
export class LazyVaeEncoder implements FrameEncoder {
  private opened: Promise<VaeEncoderSession> | null = null;

  constructor(private readonly open: () => Promise<VaeEncoderSession>) {}

  async encode(frames: readonly Uint8Array[], width: number, height: number): Promise<Float32Array<ArrayBuffer>> {
    this.opened ??= this.open().catch((error: unknown) => {
      this.opened = null; // let a later clip try again
      throw error;
    });
    const { ort, session } = await this.opened;
    const planar = rgbaToPlanar(frames, width, height); // (N, 3, H, W) in [-1, 1]
    const input = new ort.Tensor('float32', planar, [frames.length, 3, height, width]);
    const { data } = await runToF32(session, { [session.inputNames[0]!]: input }); // (N, C, H/8, W/8)
    // getData copies out of ORT's heap; should that copy ever share memory, take one that does not.
    return (data.buffer instanceof ArrayBuffer ? data : data.slice()) as Float32Array<ArrayBuffer>;
  }

  /** Whether the session has been opened (a clip gave media). */
  get isOpen(): boolean {
    return this.opened !== null;
  }

  async release(): Promise<void> {
    const opened = this.opened;
    this.opened = null;
    if (opened) await (await opened.catch(() => null))?.session.release();
  }
}
