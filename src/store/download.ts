// Fetching for the model store (model_cache.ts, file_download.ts): one checked fetch, the manifest,
// and the sha256 every file is verified with.
import type { ModelInfo } from '../worker/api.ts';
import { EngineError } from '../worker/errors.ts';
import { parseManifest } from './manifest.ts';
import { fetchFailed } from './store_errors.ts';

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * fetch() that turns every way a model file can fail to arrive into a model-fetch-failed error:
 * no connection, an HTTP error, or a web page where a file should be.
 */
export async function fetchChecked(url: string, signal: AbortSignal | undefined, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal });
  } catch (cause) {
    if (signal?.aborted) throw signal.reason;
    throw fetchFailed(url, cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok) throw fetchFailed(url, `HTTP ${response.status} ${response.statusText}`);
  // Single-page-app hosts answer a missing file with their index page and status 200.
  if (response.headers.get('content-type')?.startsWith('text/html')) {
    await response.body?.cancel();
    throw fetchFailed(url, 'the server answered with a web page: the file is probably missing there');
  }
  return response;
}

export async function fetchManifest(url: string, signal?: AbortSignal): Promise<ModelInfo> {
  const response = await fetchChecked(url, signal);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new EngineError('model-invalid', `The model manifest at ${url} is not JSON.`);
  }
  return parseManifest(json, url);
}
