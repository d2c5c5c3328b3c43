// A text-to-video clip at the requested aspect bucket and duration, window after window by the
// config's chunk contract: a window is chunk.latent_frames latent frames; every later window
// starts with the previous window's last chunk.context_latent_frames clean latents (given through
// the mask, reused as they are) and adds the rest. Each window is sampled, decoded, and its new
// frames streamed to the page and to the MP4 encoder at once, so memory does not grow with
// duration: only the previous window's latents are kept.
//
// Given media (conditioning.ts) gives more frames the same way: a start or end image, or an
// earlier clip's last frames for an extension, at the window positions given_frames.ts plans.
//
// A storyboard (ClipRequest.storyboard) conditions each window on its segment's prompt: each
// prompt is encoded when its first window comes and released when the next segment begins, and
// the plan keeps every window inside one segment (given_frames.ts), so the cut falls exactly on
// the segment's first frame while that window still sees the frames before the cut as context.
//
// The loop is the same on every backend (clip_backend.ts): the WebGPU backend keeps latents in GPU
// buffers, the WASM backend in CPU memory, and this file never looks inside either. It times each
// phase (Clip.timings), so the VAE's share of a clip's time can be reported.
import { EngineError } from '../errors/engine_error.ts';
import { throwIfCancelled } from '../errors/cancelled.ts';
import { Mp4Writer } from '../video/encode.ts';
import type { Clip, ClipCallbacks, ClipRequest, ClipTimings, JobProgress, Phase } from './clip.ts';
import type { ClipBackend } from './clip_backend.ts';
import { previewFrame } from './latent_preview.ts';
import { openConditioning, type GivenMedia } from './conditioning.ts';
import { segmentStartFrames } from './given_frames.ts';

// Rough shares of a window's time, for the progress bar: denoising dominates.
const DENOISE_SHARE = 0.8;
const DECODE_SHARE = 0.05;

/** Adds the time `work` takes to timings[phase]. */
export async function timed<T>(timings: ClipTimings, phase: keyof ClipTimings, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[phase] = (timings[phase] ?? 0) + performance.now() - start;
  }
}

/**
 * `given`: the request's pictures and clip, read by the worker (worker/given_media.ts).
 * `started`: when the job began (performance.now()); the time until this call counts as setup.
 */
export async function generateClip<Text, Latents>(
  backend: ClipBackend<Text, Latents>,
  request: ClipRequest,
  given: GivenMedia,
  callbacks: ClipCallbacks,
  signal: AbortSignal,
  started: number,
): Promise<Clip> {
  const { name, runner, decoder } = backend;
  const windowPeaks: number[] = [];
  backend.takePeakLiveBytes?.(); // count from here
  const timings: ClipTimings = { setup: performance.now() - started, text: 0, denoise: 0, decode: 0, encode: 0, given: 0 };
  const { config } = runner;
  const bucket = config.latent.aspect_buckets[request.aspect];
  if (!bucket) {
    const offered = Object.keys(config.latent.aspect_buckets).join(', ');
    throw new EngineError('bad-request', `${config.name} makes no ${request.aspect} video; choose one of ${offered}.`);
  }
  const [height, width] = bucket;
  const fps = config.latent.frame_rate;
  // Given media (start and end images, a clip to extend) and the window plan that places them;
  // a bad file fails here, before any model work.
  const newFrames = windowPlan(request.durationSeconds, fps, config.chunk.latent_frames, config.chunk.context_latent_frames).frames;
  const segments = request.storyboard ?? [{ at: 0, prompt: request.prompt }];
  const segmentStarts = segmentStartFrames(segments, fps);
  const conditioning = await timed(timings, 'given', () =>
    openConditioning(given, { config, width, height, fps, frames: newFrames, encoder: backend.encoder, ...(request.storyboard && { segmentStarts }) })
      .catch((error: unknown) => {
        // The request check refuses such storyboards first; this is the plan's own guard.
        throw error instanceof RangeError ? new EngineError('bad-request', `This storyboard cannot be made: ${error.message}.`) : error;
      }));
  const { earlierFrames } = conditioning;
  const plan = { windows: conditioning.plan.windows.length, frames: newFrames };
  const frameCount = earlierFrames + newFrames;
  const steps = request.steps ?? config.sampler.steps;
  const report = async (phase: Phase, fraction: number, framesDone = 0) => {
    const progress: JobProgress = { phase, fraction, framesDone, framesTotal: frameCount, ...(earlierFrames > 0 && { earlierFrames }) };
    await callbacks.onProgress?.(progress);
  };

  await report('text', 0);
  const writer = await timed(timings, 'encode', () => Mp4Writer.open({ width, height, fps }));
  // The prompt of the segment being made (its index), encoded when its first window comes.
  let prompt: Awaited<ReturnType<typeof runner.encodePrompt>> | null = null;
  let promptSegment = -1;
  const unknownWords = new Set<string>();
  let previous: Latents | null = null;
  let emitted = 0;
  try {
    // An extended clip's frames start the MP4; then the given pictures are encoded.
    await timed(timings, 'given', () => conditioning.prepare(async (rgba) => {
      await emitFrame(writer, rgba, emitted, callbacks);
      emitted += 1;
      await report('encoding', 0, emitted);
    }, signal));
    // Denoising previews when the page asks for them and the backend can make them.
    const colourMap = callbacks.onPreview && backend.previewColourMap ? await backend.previewColourMap() : null;
    for (let w = 0; w < plan.windows; w++) {
      throwIfCancelled(signal);
      const window = conditioning.plan.windows[w]!;
      const segment = segmentOf(segmentStarts, window.start + window.emitFrom);
      if (segment !== promptSegment) {
        if (prompt) runner.releasePrompt(prompt.text);
        prompt = null;
        prompt = await timed(timings, 'text', () => runner.encodePrompt(segments[segment]!.prompt));
        promptSegment = segment;
        for (const word of prompt.unknownWords) unknownWords.add(word);
      }
      const text = prompt!.text;
      const spec = {
        seed: request.seed,
        frames: config.chunk.latent_frames,
        height: height / config.latent.spatial_factor,
        width: width / config.latent.spatial_factor,
        steps,
        firstStream: w * (steps + 1),
        given: conditioning.givenFrames(w),
      };
      const context: { latents: Latents; frames: number } | undefined = previous ? { latents: previous, frames: window.context } : undefined;
      const latents: Latents = await timed(timings, 'denoise', () =>
        runner.sampleWindow(text, spec, context, {
          signal,
          onStep: (step) => report('denoising', (w + (DENOISE_SHARE * step) / steps) / plan.windows, emitted),
          ...(colourMap && callbacks.onPreview && {
            onEstimate: (estimate: Float32Array, step: number) => {
              // The window's last latent frame: the newest part of the clip.
              const shape = [config.latent.channels, spec.frames, spec.height, spec.width] as const;
              const rgba = previewFrame(estimate, shape, spec.frames - 1, colourMap);
              return callbacks.onPreview!({ rgba, width: spec.width, height: spec.height, window: w + 1, windows: plan.windows, step, steps });
            },
          }),
        }),
      );
      if (previous) runner.releaseLatents(previous);
      previous = latents;

      await report('decoding', (w + DENOISE_SHARE) / plan.windows, emitted);
      const decoded = await timed(timings, 'decode', () => decoder.decode(latents));
      throwIfCancelled(signal);
      if (decoded.width !== width || decoded.height !== height) {
        throw new Error(`the VAE decoded ${decoded.width}×${decoded.height} frames for a ${width}×${height} bucket`);
      }
      // The window's new frames: not the context (already shown and encoded), not an extended
      // clip's given frames, not frames past the clip's end.
      const shown = decoded.frames.slice(window.emitFrom, window.emitFrom + window.emitCount);
      for (const [i, rgba] of shown.entries()) {
        throwIfCancelled(signal);
        await timed(timings, 'encode', () => emitFrame(writer, rgba, emitted, callbacks));
        emitted += 1;
        const encodeShare = 1 - DENOISE_SHARE - DECODE_SHARE;
        await report('encoding', (w + DENOISE_SHARE + DECODE_SHARE + (encodeShare * (i + 1)) / shown.length) / plan.windows, emitted);
      }
      const peak = backend.takePeakLiveBytes?.();
      if (peak !== undefined) windowPeaks.push(peak);
    }
    throwIfCancelled(signal);
    const mp4 = await timed(timings, 'encode', () => writer.finish());
    await report('done', 1, frameCount);
    return {
      mp4, codec: writer.codec, width, height, fps, frameCount, elapsedMs: performance.now() - started,
      unknownWords: [...unknownWords], backend: name, timings, ...(earlierFrames > 0 && { earlierFrames }),
      ...(windowPeaks.length > 0 ? { peakLiveBytesPerWindow: windowPeaks } : {}),
    };
  } finally {
    if (previous) runner.releaseLatents(previous);
    if (prompt) runner.releasePrompt(prompt.text);
    writer.abort();
  }
}

/** The segment whose frames include clip frame `frame`: the last one starting at or before it. */
function segmentOf(starts: readonly number[], frame: number): number {
  let segment = 0;
  while (segment + 1 < starts.length && starts[segment + 1]! <= frame) segment += 1;
  return segment;
}

/**
 * Windows needed for a clip of `seconds` (temporal factor 1): the first gives `windowFrames`
 * frames, each later one `windowFrames − contextFrames` new ones; the clip has exactly
 * round(seconds · fps) frames (at least one window's worth is generated and cut to length).
 */
export function windowPlan(seconds: number, fps: number, windowFrames: number, contextFrames: number): { windows: number; frames: number } {
  const frames = Math.max(1, Math.round(seconds * fps));
  const fresh = windowFrames - contextFrames;
  return { windows: 1 + Math.max(0, Math.ceil((frames - windowFrames) / fresh)), frames };
}

export async function emitFrame(writer: Mp4Writer, rgba: Uint8Array<ArrayBuffer>, index: number, callbacks: ClipCallbacks) {
  const frame = writer.rgbaFrame(rgba, index);
  try {
    await writer.addFrame(frame);
  } catch (error) {
    frame.close();
    throw error;
  }
  if (callbacks.onFrame) await callbacks.onFrame(frame, index);
  else frame.close();
}
