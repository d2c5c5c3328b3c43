// What the page knows about the model it runs: loading (with download progress), ready, or failed.
import type { LoadProgress, ModelInfo } from '../worker/api.ts';

export type ModelStatus =
  | {
      state: 'loading';
      progress: LoadProgress | null;
      /** Whether the model comes over the network (first use) rather than from this browser's store; null until known. */
      downloading?: boolean | null;
    }
  | { state: 'ready'; info: ModelInfo }
  | { state: 'failed'; message: string };

/** The model shipped with the app, served from its own origin (see bundledModel in vite.config.ts). */
export const BUNDLED_MODEL_PATH = 'models/tiny-test/manifest.json';

