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

/**
 * What a person should know about a shipped model's clips before judging them, shown beside its
 * name. zoetrope-s's line follows its model card: after its 15 machine-hours of CPU training the
 * judge finds the prompt's background in 58 % of clips and the named objects in none.
 */
export function modelNote(name: string): string {
  if (name === 'tiny-test') return 'the bundled test model with random weights: its clips are noise, not pictures.';
  if (name === 'zoetrope-s') {
    return 'trained on a 2-core CPU in 15 hours: it paints the prompt’s background and style (sky, night, sea, grass, sunset; flat, pastel, neon), but the objects it names do not form yet.';
  }
  return '';
}

