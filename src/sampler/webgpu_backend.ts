// The WebGPU backend: text encoder and DiT on our WGSL engine (generate_window.ts), the VAE on
// ORT-web's WebGPU EP on the same device (decode_window.ts). Latents stay in GPU buffers of the
// model's pool from sampling to decoding.
import type { Tensor } from '../gpu/tensor.ts';
import type { DitText } from '../model/dit.ts';
import type { VaeDecoder } from '../model/vae.ts';
import type { ClipBackend } from './clip_backend.ts';
import { decodeWindow } from './decode_window.ts';
import { encodePromptText, generateWindow, releasePromptText } from './generate_window.ts';
import type { TextToVideoModel } from './text_to_video_model.ts';

export function webgpuBackend(model: TextToVideoModel, vae: VaeDecoder): ClipBackend<DitText, Tensor> {
  return {
    name: 'webgpu',
    runner: {
      config: model.config,
      encodePrompt: (prompt) => encodePromptText(model, prompt),
      releasePrompt: (text) => releasePromptText(model, text),
      sampleWindow: (text, spec, context, events) => generateWindow(model, text, { ...spec, context }, events),
      releaseLatents: (latents) => model.pool.release(latents),
    },
    decoder: { decode: (latents) => decodeWindow(model, vae, latents) },
    takePeakLiveBytes: () => {
      const peak = model.pool.stats().peakLiveBytes;
      model.pool.resetPeak();
      return peak;
    },
  };
}
