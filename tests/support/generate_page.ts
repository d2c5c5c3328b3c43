// Generating clips through the worker client inside the test page (imported there from the Vite
// dev server): each frame the engine streams is hashed (SHA-256 of its RGBA bytes, before
// encoding), and the MP4 comes back as bytes for ffprobe.
import type { BackendsReport, Clip, GenerateRequest, Phase } from '../../src/worker/api.ts';
import { createEngineClient } from '../../src/worker/client.ts';

export interface GeneratedClip {
  clip: Omit<Clip, 'mp4'>;
  mp4: number[];
  frameHashes: string[];
  /** Every progress event, in order: "phase fraction". */
  progress: string[];
  /** The RGBA bytes of every frame, when the request asked for them (`keepFrames`). */
  frames?: number[][];
}

export type ClipRequest = GenerateRequest & { cancelAtStep?: number; keepFrames?: boolean };

export interface RunOutcome {
  runs: (GeneratedClip | { error: string })[];
}

export async function rgbaOf(frame: VideoFrame): Promise<Uint8Array<ArrayBuffer>> {
  const rect = { x: 0, y: 0, width: frame.displayWidth, height: frame.displayHeight };
  const bytes = new Uint8Array(rect.width * rect.height * 4);
  await frame.copyTo(bytes, { rect, format: 'RGBA' });
  return bytes;
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Loads `manifestUrl` in a fresh worker engine and runs the requests in order. A request with
 * `cancelAtStep` is cancelled when denoising reaches that step; its rejection is recorded.
 */
export async function generateClips(manifestUrl: string, requests: ClipRequest[]): Promise<RunOutcome> {
  const engine = createEngineClient();
  try {
    await engine.loadModel(manifestUrl);
    const runs: RunOutcome['runs'] = [];
    for (const { cancelAtStep, keepFrames, ...request } of requests) {
      const frameHashes: string[] = [];
      const frames: number[][] = [];
      const progress: string[] = [];
      let step = 0;
      try {
        const { mp4, ...clip } = await engine.generate(request, {
          onProgress: ({ phase, fraction }: { phase: Phase; fraction: number }) => {
            progress.push(`${phase} ${fraction.toFixed(3)}`);
            if (phase === 'denoising' && ++step === cancelAtStep) void engine.cancel();
          },
          onFrame: async (frame: VideoFrame) => {
            try {
              const rgba = await rgbaOf(frame);
              frameHashes.push(await sha256Hex(rgba));
              if (keepFrames) frames.push(Array.from(rgba));
            } finally {
              frame.close();
            }
          },
        });
        runs.push({ clip, mp4: Array.from(new Uint8Array(await mp4.arrayBuffer())), frameHashes, progress, ...(keepFrames ? { frames } : {}) });
      } catch (error) {
        const { code, detail } = error as { code?: string; detail?: string };
        // The detail (the underlying error) says why an 'internal' failure happened; the message alone does not.
        runs.push({ error: `${code}: ${(error as Error).message}${code === 'internal' && detail ? ` (${detail})` : ''}` });
      }
    }
    return { runs };
  } finally {
    engine.terminate();
  }
}

/** What the worker engine says about its backends here. */
export async function describeBackends(): Promise<BackendsReport & { crossOriginIsolated: boolean }> {
  const engine = createEngineClient();
  try {
    return { ...(await engine.describeBackends()), crossOriginIsolated: globalThis.crossOriginIsolated === true };
  } finally {
    engine.terminate();
  }
}

/**
 * The VAE decoder on the engine's own device, fed the golden latents (1, C, h, w) as a GPU buffer
 * of that device: largest |output − PyTorch golden|, and whether the device saw a validation error
 * (a buffer from another device would be one).
 */
export async function vaeFromGpuBufferOnGoldens(): Promise<{ maxAbsDiff: number; dims: number[]; validationErrors: string[] }> {
  const { openGpu } = await import('../../src/gpu/device.ts');
  const { ModelStore } = await import('../../src/store/model_cache.ts');
  const { SafetensorsFile } = await import('../../src/model/weights.ts');
  const { VaeDecoder } = await import('../../src/model/vae.ts');
  const { device } = await openGpu();
  const validationErrors: string[] = [];
  device.addEventListener('uncapturederror', (event) => validationErrors.push((event as GPUUncapturedErrorEvent).error.message));
  try {
    const { files } = await (await ModelStore.open()).load(new URL('/models/tiny-test/manifest.json', location.href).href);
    const golden = SafetensorsFile.parse(new Uint8Array(await (await fetch('/tests/fixtures/goldens/vae.safetensors')).arrayBuffer()), 'goldens');
    const latents = golden.f32('input.latents');
    const expected = golden.f32('decoder.output');
    const buffer = device.createBuffer({ size: latents.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, Float32Array.from(latents));
    const vae = await VaeDecoder.create(device, files.get('vae_decoder.onnx')!, 'vae.safetensors', files.get('vae.safetensors')!);
    const { data, dims } = await vae.decode(buffer, [1, ...golden.info('input.latents').shape] as [number, number, number, number]);
    await vae.release();
    await device.queue.onSubmittedWorkDone();
    const maxAbsDiff = data.reduce((worst, v, i) => Math.max(worst, Math.abs(v - expected[i]!)), 0);
    return { maxAbsDiff, dims, validationErrors };
  } finally {
    device.destroy();
  }
}
