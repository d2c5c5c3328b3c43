// The speed estimate: one real one-second clip at the model's smallest frame size, timed, then
// scaled to the chosen settings. Pure, so it is unit-tested in Node.
import type { AspectRatio, Backend, Clip, GenerateRequest } from '../../worker/api.ts';

export interface Bucket {
  aspect: AspectRatio;
  height: number;
  width: number;
}

export interface Calibration {
  backend: Backend;
  bucket: Bucket;
  /** Seconds of compute per second of video, one-time setup left out. */
  secondsPerVideoSecond: number;
}

/** The model's smallest frame size (fewest pixels): the cheapest honest measurement. */
export function smallestBucket(buckets: Partial<Record<AspectRatio, [number, number]>>): Bucket | null {
  let best: Bucket | null = null;
  for (const [aspect, size] of Object.entries(buckets) as [AspectRatio, [number, number] | undefined][]) {
    if (!size) continue;
    const [height, width] = size;
    if (!best || height * width < best.height * best.width) best = { aspect, height, width };
  }
  return best;
}

/** The calibration run: one second, a fixed prompt and seed, at the smallest bucket. */
export function calibrationRequest(bucket: Bucket, backend: GenerateRequest['backend']): GenerateRequest {
  return {
    prompt: 'a red ball bounces',
    seed: 1,
    durationSeconds: 1,
    aspect: bucket.aspect,
    shortSide: Math.min(bucket.height, bucket.width),
    backend,
  };
}

/**
 * Seconds of compute per second of video from the calibration clip. Setup (building the runtime
 * on a backend's first clip) is paid once per visit, not per second of video, so it is left out.
 */
export function calibrationFrom(clip: Clip, bucket: Bucket): Calibration | null {
  if (!clip.backend || clip.frameCount <= 0 || clip.fps <= 0) return null;
  const computeMs = Math.max(0, clip.elapsedMs - (clip.timings?.setup ?? 0));
  const videoSeconds = clip.frameCount / clip.fps;
  return { backend: clip.backend, bucket, secondsPerVideoSecond: computeMs / 1000 / videoSeconds };
}

/**
 * Estimated seconds for a clip of `durationSeconds` at `height`×`width`, assuming time grows with
 * the number of pixels. Attention grows faster than that, so large frames may take longer still.
 */
export function estimateSeconds(calibration: Calibration, durationSeconds: number, height: number, width: number): number {
  const pixelRatio = (height * width) / (calibration.bucket.height * calibration.bucket.width);
  return calibration.secondsPerVideoSecond * durationSeconds * pixelRatio;
}

/** "45 s", "3 min 20 s", "0.4 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
