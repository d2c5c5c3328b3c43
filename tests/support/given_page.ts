// Clips from given media through the worker client, inside the test page (imported there from
// the Vite dev server): image-to-video, in-betweening, extension and stitching. Media cannot cross
// page.evaluate as Blobs, so a request names it (a test picture drawn here, an earlier run's MP4,
// a cut-off MP4, a text file) and the page makes it. Also the VAE round trip of a picture
// (encode → decode, outside the engine) that a given frame must come out as.
import type { GenerateRequest, JobProgress, MediaInput } from '../../src/worker/api.ts';
import { createEngineClient } from '../../src/worker/client.ts';
import { rgbaOf, sha256Hex } from './generate_page.ts';

/** A test picture (k), an earlier step's MP4, the first half of one, or a text file. */
export type MediaRef = { picture: number } | { clipOf: number } | { cutClipOf: number } | { text: string };

type PlainRequest = Omit<GenerateRequest, 'image' | 'endImage' | 'extend'>;

export type Step =
  | { request: PlainRequest & { image?: MediaRef; endImage?: MediaRef; extend?: MediaRef }; keepFrames?: boolean }
  | { stitch: MediaRef[] };

export interface StepResult {
  error?: string;
  frameCount?: number;
  width?: number;
  height?: number;
  earlierFrames?: number;
  reencoded?: boolean;
  /** SHA-256 of each streamed frame's RGBA, in order. */
  frameHashes?: string[];
  /** Each streamed frame's RGBA (keepFrames). */
  frames?: number[][];
  /** Every progress event's earlierFrames and framesTotal ("3/7"), deduplicated in order. */
  earlierSeen?: string[];
  timings?: Record<string, number>;
  mp4?: number[];
}

/** Source pictures are 96×80, so fitting them to a bucket crops (cover) as well as scales. */
export const PICTURE_SIZE = { width: 96, height: 80 };

/** A picture with smooth areas, edges and colour, different for each k: PNG. */
export async function testPicture(k: number): Promise<Blob> {
  const { width, height } = PICTURE_SIZE;
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d')!;
  const gradient = g.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, `hsl(${(k * 137) % 360} 70% 35%)`);
  gradient.addColorStop(1, `hsl(${(k * 137 + 60) % 360} 80% 75%)`);
  g.fillStyle = gradient;
  g.fillRect(0, 0, width, height);
  g.fillStyle = `hsl(${(k * 137 + 180) % 360} 90% 50%)`;
  g.beginPath();
  g.arc(30 + 12 * k, 40, 18, 0, 2 * Math.PI);
  g.fill();
  g.fillStyle = '#f8f8f0';
  g.fillRect(56 - 6 * k, 12, 18, 44);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** Runs the steps in order on one fresh worker engine; a failed step records its error and the next goes on. */
export async function runSteps(manifestUrl: string, steps: Step[]): Promise<StepResult[]> {
  const engine = createEngineClient();
  const mp4s: (Uint8Array<ArrayBuffer> | null)[] = [];
  const media = async (ref: MediaRef): Promise<MediaInput> => {
    if ('picture' in ref) return testPicture(ref.picture);
    if ('text' in ref) return new Blob([ref.text], { type: 'text/plain' });
    const bytes = mp4s['clipOf' in ref ? ref.clipOf : ref.cutClipOf];
    if (!bytes) throw new Error(`step ${JSON.stringify(ref)} made no MP4`);
    // A Blob for whole clips (as a File from the page would be), bytes for the cut one.
    return 'clipOf' in ref ? new Blob([bytes], { type: 'video/mp4' }) : bytes.slice(0, Math.floor(bytes.length / 2));
  };
  try {
    await engine.loadModel(manifestUrl);
    const results: StepResult[] = [];
    for (const step of steps) {
      try {
        if ('stitch' in step) {
          const clips = await Promise.all(step.stitch.map(media));
          const { mp4, ...rest } = await engine.stitch(clips);
          const bytes = new Uint8Array(await mp4.arrayBuffer());
          mp4s.push(bytes);
          results.push({ ...rest, mp4: Array.from(bytes) });
          continue;
        }
        const { image, endImage, extend, ...plain } = step.request;
        const request: GenerateRequest = {
          ...plain,
          ...(image && { image: await media(image) }),
          ...(endImage && { endImage: await media(endImage) }),
          ...(extend && { extend: await media(extend) }),
        };
        const frameHashes: string[] = [];
        const frames: number[][] = [];
        const earlierSeen: string[] = [];
        const clip = await engine.generate(request, {
          onProgress: (p: JobProgress) => {
            const seen = `${p.earlierFrames ?? 0}/${p.framesTotal}`;
            if (earlierSeen.at(-1) !== seen) earlierSeen.push(seen);
          },
          onFrame: async (frame: VideoFrame) => {
            try {
              const rgba = await rgbaOf(frame);
              frameHashes.push(await sha256Hex(rgba));
              if (step.keepFrames) frames.push(Array.from(rgba));
            } finally {
              frame.close();
            }
          },
        });
        const bytes = new Uint8Array(await clip.mp4.arrayBuffer());
        mp4s.push(bytes);
        results.push({
          frameCount: clip.frameCount, width: clip.width, height: clip.height, earlierFrames: clip.earlierFrames, frameHashes,
          earlierSeen, timings: { ...clip.timings }, mp4: Array.from(bytes), ...(step.keepFrames && { frames }),
        });
      } catch (error) {
        mp4s.push(null);
        results.push({ error: `${(error as { code?: string }).code}: ${(error as Error).message}` });
      }
    }
    return results;
  } finally {
    engine.terminate();
  }
}

/**
 * The pictures fitted to `width`×`height` (as the engine fits them), and their VAE round trips
 * (encoder then decoder, on the given backend's ORT build, outside the engine), as RGBA.
 */
export async function vaeRoundTrips(manifestUrl: string, backend: 'webgpu' | 'wasm', pictures: number[], width: number, height: number): Promise<{ fitted: number[][]; roundTrips: number[][] }> {
  const { ModelStore } = await import('../../src/store/model_cache.ts');
  const { imageToFrame } = await import('../../src/video/image_input.ts');
  const { LazyVaeEncoder, wasmVaeEncoderSession, webgpuVaeEncoderSession } = await import('../../src/model/vae_encoder.ts');
  const { VaeDecoder, framesToRgba } = await import('../../src/model/vae.ts');
  const { OnnxVaeDecoder } = await import('../../src/model/onnx_models.ts');
  const { openGpu } = await import('../../src/gpu/device.ts');
  const { files } = await (await ModelStore.open()).load(new URL(manifestUrl, location.href).href);
  const graph = files.get('vae_encoder.onnx')!;
  const weights = files.get('vae.safetensors')!;
  const fitted = await Promise.all(pictures.map(async (k) => imageToFrame(await testPicture(k), width, height)));
  const dims = (latents: Float32Array) => [fitted.length, latents.length / (fitted.length * (height / 8) * (width / 8)), height / 8, width / 8] as [number, number, number, number];
  let decoded: { data: Float32Array; dims: number[] };
  if (backend === 'wasm') {
    const encoder = new LazyVaeEncoder(() => wasmVaeEncoderSession(graph, 'vae.safetensors', weights));
    const latents = await encoder.encode(fitted, width, height);
    const decoder = await OnnxVaeDecoder.create(files);
    decoded = await decoder.decode(latents, dims(latents));
    await Promise.all([encoder.release(), decoder.release()]);
  } else {
    const { device } = await openGpu();
    try {
      const encoder = new LazyVaeEncoder(() => webgpuVaeEncoderSession(device, graph, 'vae.safetensors', weights));
      const latents = await encoder.encode(fitted, width, height);
      const buffer = device.createBuffer({ size: latents.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buffer, 0, latents);
      const decoder = await VaeDecoder.create(device, files.get('vae_decoder.onnx')!, 'vae.safetensors', weights);
      decoded = await decoder.decode(buffer, dims(latents));
      await Promise.all([encoder.release(), decoder.release()]);
      buffer.destroy();
    } finally {
      device.destroy();
    }
  }
  const roundTrips = framesToRgba(decoded.data, fitted.length, height, width);
  return { fitted: fitted.map((f) => Array.from(f)), roundTrips: roundTrips.map((f) => Array.from(f)) };
}
