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

/** The models a build can ship (folders of models/). */
const SHIPPABLE_MODELS = ['zoetrope-s', 'tiny-test'] as const;

/**
 * The model shipped with the app, served from its own origin (see bundledModel in vite.config.ts):
 * zoetrope-s. A build made with VITE_BUNDLED_MODEL=tiny-test (the browser tests' build) ships the
 * 64 px test model instead, so that each test's clip takes seconds, not minutes.
 */
export const BUNDLED_MODEL_NAME = bundledModelName(import.meta.env.VITE_BUNDLED_MODEL);
export const BUNDLED_MODEL_PATH = `models/${BUNDLED_MODEL_NAME}/manifest.json`;

export function bundledModelName(requested: string | undefined): string {
  if (!requested) return SHIPPABLE_MODELS[0];
  if (!(SHIPPABLE_MODELS as readonly string[]).includes(requested)) {
    throw new Error(`VITE_BUNDLED_MODEL=${requested}: the app can ship ${SHIPPABLE_MODELS.join(' or ')}.`);
  }
  return requested;
}

