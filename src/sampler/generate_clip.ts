// A text-to-video clip of one window (the config's chunk.latent_frames latent frames) at the
// requested aspect bucket: sample the latents, decode them, stream each frame to the page and to
// the MP4 encoder. Longer clips (window after window by the chunk contract) build on this.
import type { Clip, ClipCallbacks, GenerateRequest, JobProgress, Phase } from '../worker/api.ts';
import { EngineError } from '../worker/errors.ts';
import { throwIfCancelled } from '../worker/jobs.ts';
import { hand } from '../worker/transfer.ts';
import type { VaeDecoder } from '../model/vae.ts';
import { Mp4Writer } from '../video/encode.ts';
import { decodeWindow } from './decode_window.ts';
import { generateWindow } from './generate_window.ts';
import type { TextToVideoModel } from './text_to_video_model.ts';

export interface ClipParts {
  model: TextToVideoModel;
  vae: VaeDecoder;
}

// Rough shares of the job's time, for the progress bar: denoising dominates.
const TEXT_END = 0.05;
const DENOISE_END = 0.85;
const DECODE_END = 0.9;

export async function generateClip(
  { model, vae }: ClipParts,
  request: GenerateRequest,
  callbacks: ClipCallbacks,
  signal: AbortSignal,
  started: number,
): Promise<Clip> {
  const { config } = model;
  const bucket = config.latent.aspect_buckets[request.aspect];
  if (!bucket) {
    const offered = Object.keys(config.latent.aspect_buckets).join(', ');
    throw new EngineError('bad-request', `${config.name} makes no ${request.aspect} video; choose one of ${offered}.`);
  }
  const [height, width] = bucket;
  const latentFrames = config.chunk.latent_frames;
  const frameCount = latentFrames * config.latent.temporal_factor;
  const fps = config.latent.frame_rate;
  const report = async (phase: Phase, fraction: number, framesDone = 0) => {
    const progress: JobProgress = { phase, fraction, framesDone, framesTotal: frameCount };
    await callbacks.onProgress?.(progress);
  };

  await report('text', 0);
  const writer = await Mp4Writer.open({ width, height, fps });
  try {
    const { latents, unknownWords } = await generateWindow(
      model,
      {
        prompt: request.prompt,
        seed: request.seed,
        frames: latentFrames,
        height: height / config.latent.spatial_factor,
        width: width / config.latent.spatial_factor,
        steps: request.steps,
      },
      { signal, onStep: (step, steps) => report('denoising', TEXT_END + ((DENOISE_END - TEXT_END) * step) / steps) },
    );
    let decoded;
    try {
      await report('decoding', DENOISE_END);
      decoded = await decodeWindow(model, vae, latents);
    } finally {
      model.pool.release(latents);
    }
    throwIfCancelled(signal);
    if (decoded.width !== width || decoded.height !== height) {
      throw new Error(`the VAE decoded ${decoded.width}×${decoded.height} frames for a ${width}×${height} bucket`);
    }

    for (const [i, rgba] of decoded.frames.entries()) {
      throwIfCancelled(signal);
      const frame = new VideoFrame(rgba, {
        format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: writer.timestampOf(i), duration: writer.frameDuration,
      });
      try {
        await writer.addFrame(frame);
      } catch (error) {
        frame.close();
        throw error;
      }
      if (callbacks.onFrame) await callbacks.onFrame(hand(frame), i);
      else frame.close();
      await report('encoding', DECODE_END + ((1 - DECODE_END) * (i + 1)) / frameCount, i + 1);
    }
    throwIfCancelled(signal);
    const mp4 = await writer.finish();
    await report('done', 1, frameCount);
    return { mp4, codec: writer.codec, width, height, fps, frameCount, elapsedMs: performance.now() - started, unknownWords };
  } finally {
    writer.abort();
  }
}
