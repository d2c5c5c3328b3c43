// What the page knows about the model it runs: loading (with download progress), ready, or failed.
import type { LoadProgress, ModelInfo } from '../worker/api.ts';

export type ModelStatus =
  | { state: 'loading'; progress: LoadProgress | null }
  | { state: 'ready'; info: ModelInfo }
  | { state: 'failed'; message: string };

/** The model shipped with the app, served from its own origin (see bundledModel in vite.config.ts). */
export const BUNDLED_MODEL_PATH = 'models/tiny-test/manifest.json';

/** "1.2 of 1.9 MB, 640 kB/s" for a download in progress. */
export function describeProgress(p: LoadProgress): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const speed = p.bytesPerSecond >= 1e6 ? `${mb(p.bytesPerSecond)} MB/s` : `${Math.round(p.bytesPerSecond / 1e3)} kB/s`;
  return `${mb(p.loadedBytes)} of ${mb(p.totalBytes)} MB, ${speed}`;
}
