// Which backend runs the model: 'auto' (the engine decides), or forced to WebGPU or WASM.
// Remembered in localStorage and sent with every generation as GenerateRequest.backend.
import type { Backend, BackendChoice } from '../../worker/api.ts';

export type { Backend, BackendChoice };

export const BACKEND_STORAGE_KEY = 'zoetrope.backend';

export const BACKEND_CHOICES: readonly { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'Automatic' },
  { value: 'webgpu', label: 'WebGPU (GPU)' },
  { value: 'wasm', label: 'WASM (CPU)' },
];

export function parseBackendChoice(stored: string | null | undefined): BackendChoice {
  return stored === 'webgpu' || stored === 'wasm' ? stored : 'auto';
}

export function readBackendChoice(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): BackendChoice {
  try {
    return parseBackendChoice(storage?.getItem(BACKEND_STORAGE_KEY));
  } catch {
    return 'auto';
  }
}

export function saveBackendChoice(choice: BackendChoice, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(BACKEND_STORAGE_KEY, choice);
  } catch {
    // Storage blocked: the choice holds for this visit only.
  }
}

export function backendName(backend: Backend): string {
  return backend === 'webgpu' ? 'WebGPU' : 'WASM';
}
