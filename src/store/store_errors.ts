// The errors the model store raises, worded for the person who has to act on them.
import { EngineError, type EngineErrorCode } from '../errors/engine_error.ts';
import type { ModelFile } from './manifest.ts';
import { formatBytes } from './range.ts';

// Its own code, so the UI can offer to free space rather than to retry the download.
const STORAGE_FULL: EngineErrorCode = 'storage-full';

export function fetchFailed(url: string, detail: string): EngineError {
  return new EngineError(
    'model-fetch-failed',
    `Could not download ${url}. Check your connection and try again; what already arrived is kept and the download resumes from there.`,
    detail,
  );
}

export function damaged(file: ModelFile, detail: string): EngineError {
  return new EngineError(
    'model-invalid',
    `The model file ${file.path} arrived damaged. Try again; if it keeps failing, the server holds a broken copy.`,
    detail,
  );
}

export interface StorageEstimate {
  usage: number;
  quota: number;
}

export function storageFull(model: string, neededBytes: number, estimate: StorageEstimate | null, detail?: string): EngineError {
  const free = estimate ? Math.max(0, estimate.quota - estimate.usage) : null;
  const room = free === null ? '' : ` and this browser allows this site ${formatBytes(free)} more`;
  return new EngineError(
    STORAGE_FULL,
    `Not enough storage to keep the model ${model}: it needs ${formatBytes(neededBytes)} more${room}. ` +
      'Delete models you no longer use from the model list, or free disk space on this device, then load it again.',
    detail,
  );
}

/** Whether an IndexedDB failure (a DOMException, or a transaction's error) means the disk or quota is full. */
export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  const inner = (error as { error?: { name?: unknown } } | null)?.error?.name;
  return name === 'QuotaExceededError' || inner === 'QuotaExceededError';
}
