// Clean latents of a window → RGBA8 frames: the layout change the per-frame VAE needs runs on our
// GPU, the latents go to onnxruntime-web as a GPU buffer of our device, and the decoded frames
// come back to the CPU once, for the video encoder.
import { toFramesKernel } from '../gpu/ops/sampler.ts';
import type { Tensor } from '../gpu/tensor.ts';
import { ForwardRecorder } from '../model/recorder.ts';
import { framesToRgba, type VaeDecoder } from '../model/vae.ts';
import type { DecodedWindow } from './clip_backend.ts';
import type { TextToVideoModel } from './text_to_video_model.ts';

export async function decodeWindow(model: TextToVideoModel, vae: VaeDecoder, latents: Tensor): Promise<DecodedWindow> {
  const [channels, frames, height, width] = latents.shape as [number, number, number, number];
  const { device } = model;
  // An exact-size buffer of its own (pool buffers are rounded up to a size class) that ORT reads.
  const batch = device.createBuffer({
    label: 'vae-latents',
    size: latents.byteSize,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  model.pool.noteExternal(batch.size);
  try {
    const r = new ForwardRecorder(device, model.pool, model.uniforms);
    r.run(toFramesKernel, { channels, frames, height, width }, { latents, frames: batch }); // (F, C, h, w)
    r.submit();
    const decoded = await vae.decode(batch, [frames, channels, height, width]); // (F, 3, H, W)
    const [count, , outHeight, outWidth] = decoded.dims as [number, number, number, number];
    return { frames: framesToRgba(decoded.data, count, outHeight, outWidth), width: outWidth, height: outHeight };
  } finally {
    batch.destroy();
    model.pool.noteExternal(-batch.size);
  }
}
