// The VAE decoder on onnxruntime-web's WebGPU EP, on our own GPUDevice: ORT's conv kernels are
// mature, and sharing the device lets the latents go in as a GPU buffer (Tensor.fromGpuBuffer)
// with no round trip through the CPU. The decoder works frame by frame (2D convs, models/train/
// vae.py): latents (F, C, h, w) → frames (F, 3, s·h, s·w) in about [-1, 1], s = latent.spatial_factor.
//
// ORT build: `onnxruntime-web/webgpu`, the native C++ WebGPU EP, whose session option
// `{ name: 'webgpu', device }` runs the session on a device we pass (tests/gpu/onnx_browser.spec.ts
// checks this build's VAE against the PyTorch goldens). Not `onnxruntime-web/all`: its JSEP EP
// ignores env.webgpu.device in 1.30 and always requests a device of its own (seen in
// ort.all.mjs, JsepBackend.initialize), so our latents buffer would belong to the wrong device.
// A per-session device also lets a decoder made after a device loss follow the new device.
import type * as Ort from 'onnxruntime-web';
import { checkExternalData } from './onnx_external_data.ts';

type OrtModule = typeof Ort;

// Under the Vite dev server ORT is pre-bundled into node_modules/.vite and its import.meta.url no
// longer points at its .wasm files; the package's dist folder does (as in tests/support/ort_page.ts).
const DEV_WASM_PATHS = '/node_modules/onnxruntime-web/dist/';

let ortModule: Promise<OrtModule> | null = null;

/** The WebGPU build of onnxruntime-web, loaded once (vae_encoder.ts uses it too). */
export function loadOrt(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-web/webgpu').then((ort) => {
    const module = ort as unknown as OrtModule;
    if (import.meta.env.DEV) module.env.wasm.wasmPaths = DEV_WASM_PATHS;
    // The WASM side only schedules the WebGPU kernels; one thread needs no cross-origin isolation.
    module.env.wasm.numThreads = 1;
    return module;
  });
  return ortModule;
}

export class VaeDecoder {
  private constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    readonly device: GPUDevice,
  ) {}

  /** A session for `vae_decoder.onnx`, whose weights are external data in `weightsPath`. */
  static async create(device: GPUDevice, graph: Uint8Array, weightsPath: string, weights: Uint8Array): Promise<VaeDecoder> {
    checkExternalData(graph, [{ path: weightsPath, bytes: weights }], 'vae_decoder.onnx');
    const ort = await loadOrt();
    const session = await ort.InferenceSession.create(graph, {
      executionProviders: [{ name: 'webgpu', device }],
      // The path must equal the `location` the graph's initializers name.
      externalData: [{ path: weightsPath, data: weights }],
    });
    return new VaeDecoder(ort, session, device);
  }

  /**
   * Decodes the latents in `latents` (F, C, h, w) f32, a STORAGE buffer of our device, to frames
   * (F, 3, s·h, s·w) f32. The output is read back to the CPU: that read, once per window, is where
   * the frames leave the GPU for the video encoder.
   */
  async decode(latents: GPUBuffer, dims: readonly [number, number, number, number]): Promise<{ data: Float32Array; dims: number[] }> {
    const input = this.ort.Tensor.fromGpuBuffer(latents, { dataType: 'float32', dims });
    const outputs = await this.session.run({ [this.session.inputNames[0]!]: input });
    const output = outputs[this.session.outputNames[0]!]!;
    try {
      return { data: (await output.getData()) as Float32Array, dims: [...output.dims] };
    } finally {
      output.dispose();
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Decoder output (N, 3, H, W) → N RGBA8 images (H·W·4 bytes each), opaque. `low` is the value that
 * maps to 0 (1 maps to 255): −1 for our VAE, whose range is about [−1, 1]; 0 for TAEHV's [0, 1].
 * Values are clamped.
 */
export function framesToRgba(frames: Float32Array, count: number, height: number, width: number, low = -1): Uint8Array<ArrayBuffer>[] {
  const pixels = height * width;
  const scale = 255 / (1 - low);
  return Array.from({ length: count }, (_, n) => {
    const rgba = new Uint8Array(pixels * 4);
    const base = n * 3 * pixels;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < 3; c++) {
        const v = frames[base + c * pixels + p]!;
        rgba[p * 4 + c] = Math.round(Math.min(Math.max((v - low) * scale, 0), 255));
      }
      rgba[p * 4 + 3] = 255;
    }
    return rgba;
  });
}
