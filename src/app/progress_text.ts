// What the page says while a clip forms: the phase in words (denoising window k/n, step s/m),
// the fraction done, and an estimate of the time left.
import type { JobProgress, LoadProgress } from '../worker/api.ts';

export interface ChunkContract {
  latentFrames: number;
  contextLatentFrames: number;
}

/**
 * Windows the engine makes for a clip of `frames` frames. Mirrors windowPlan in
 * src/sampler/generate_clip.ts (checked against it in the unit tests), which the page does not
 * import because it would pull the GPU engine into the page's bundle.
 */
export function windowCount(frames: number, chunk: ChunkContract): number {
  const fresh = chunk.latentFrames - chunk.contextLatentFrames;
  return 1 + Math.max(0, Math.ceil((frames - chunk.latentFrames) / fresh));
}

/**
 * Windows the engine makes for a job: the new frames only (an extended clip's earlier frames are
 * not generated), plus the earlier clip's last frames that window 0 is given as context
 * (min(context, earlier) of them; src/sampler/conditioning.ts's `lead`), which take room in it.
 */
export function jobWindowCount(progress: Pick<JobProgress, 'framesTotal' | 'earlierFrames'>, chunk: ChunkContract): number {
  const earlier = progress.earlierFrames ?? 0;
  const lead = Math.min(chunk.contextLatentFrames, earlier);
  return windowCount(Math.max(1, progress.framesTotal - earlier) + lead, chunk);
}

export interface ProgressView {
  /** "Denoising: window 2 of 7, step 3 of 4". */
  label: string;
  fraction: number;
  /** Seconds left, once there is enough to estimate from; else null. */
  etaSeconds: number | null;
}

/**
 * Follows a job's progress events. The engine reports each denoising step as it finishes, window
 * after window, so counting steps gives the window and step without the engine naming them.
 */
export class ProgressTracker {
  private stepsSeen = 0;
  private readonly started: number;

  constructor(
    private readonly steps: number,
    private readonly chunk: ChunkContract,
    now: number,
  ) {
    this.started = now;
  }

  update(progress: JobProgress, now: number): ProgressView {
    if (progress.phase === 'denoising') this.stepsSeen += 1;
    const windows = jobWindowCount(progress, this.chunk);
    // An extension first decodes the earlier clip and streams its frames, before any denoising.
    const readingEarlier = this.stepsSeen === 0 && (progress.earlierFrames ?? 0) > 0;
    const window = Math.min(windows, Math.floor(Math.max(0, this.stepsSeen - 1) / this.steps) + 1);
    const step = ((Math.max(1, this.stepsSeen) - 1) % this.steps) + 1;
    const frames = `${progress.framesDone} of ${progress.framesTotal} frames`;
    const label =
      readingEarlier && (progress.phase === 'encoding' || progress.phase === 'text') ? `Reading the earlier clip: ${progress.framesDone} of ${progress.earlierFrames} frames`
      : progress.phase === 'text' ? 'Reading the prompt'
      : progress.phase === 'denoising' ? `Denoising: window ${window} of ${windows}, step ${step} of ${this.steps}`
      : progress.phase === 'decoding' ? `Decoding window ${window} of ${windows} into frames`
      : progress.phase === 'encoding' ? `Encoding the MP4: ${frames}`
      : progress.phase === 'loading' ? 'Loading the model'
      : 'Done';
    return { label, fraction: progress.fraction, etaSeconds: estimateSecondsLeft(progress.fraction, (now - this.started) / 1000) };
  }
}

/** Time left at the pace so far; null until a few percent and a second have passed (too noisy before). */
export function estimateSecondsLeft(fraction: number, elapsedSeconds: number): number | null {
  if (!(fraction >= 0.03 && fraction < 1) || elapsedSeconds < 1) return null;
  return (elapsedSeconds * (1 - fraction)) / fraction;
}

/** "about 40 s left", "about 3 min left". */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'estimating time left…';
  if (seconds < 1.5) return 'almost done';
  if (seconds < 90) return `about ${Math.round(seconds)} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

/** "1.2 of 1.9 MB · 640 kB/s · about 1 s left" for a model download. */
export function describeDownload(p: LoadProgress): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const speed = p.bytesPerSecond >= 1e6 ? `${mb(p.bytesPerSecond)} MB/s` : `${Math.round(p.bytesPerSecond / 1e3)} kB/s`;
  const left = p.bytesPerSecond > 0 ? (p.totalBytes - p.loadedBytes) / p.bytesPerSecond : null;
  return `${mb(p.loadedBytes)} of ${mb(p.totalBytes)} MB · ${speed} · ${formatEta(left)}`;
}
