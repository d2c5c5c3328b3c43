// Fetching for the model store (model_cache.ts, file_download.ts): one checked fetch, the manifest,
// and the sha256 every file is verified with.
import { EngineError } from '../errors/engine_error.ts';
import { MAX_MANIFEST_BYTES, parseManifest, type ModelInfo } from './manifest.ts';
import { bodyStart, rangeHeaders } from './range.ts';
import { fetchFailed } from './store_errors.ts';

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return hexOf(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

/** Lowercase hex of a digest's bytes. */
export function hexOf(digest: Uint8Array): string {
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A file's bytes from `start` on (Range), and where the response's body starts in the file: `start`,
 * or 0 when the server sends the whole file instead (it ignored the range, or answered one we did
 * not ask for, and was asked again without one). The caller starts its copy over when it is 0.
 * No HTTP cache: it would keep a second copy of every model file.
 */
export async function fetchFileFrom(url: string, start: number, fileBytes: number, signal: AbortSignal | undefined): Promise<{ response: Response; offset: number }> {
  const from = (at: number) => fetchChecked(url, signal, { headers: rangeHeaders(at), cache: 'no-store' });
  const offsetOf = (response: Response, at: number) =>
    bodyStart(at, fileBytes, response.status, response.headers.get('content-range'), response.headers.get('content-length'));
  let response = await from(start);
  let offset = offsetOf(response, start);
  if (offset === null && start > 0) {
    await response.body?.cancel();
    response = await from(0);
    offset = offsetOf(response, 0);
  }
  if (offset !== start && offset !== 0) {
    await response.body?.cancel();
    throw fetchFailed(url, `unexpected answer to a range request: HTTP ${response.status}`);
  }
  return { response, offset };
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
  const text = await textWithin(response, MAX_MANIFEST_BYTES, url);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EngineError('model-invalid', `The model manifest at ${url} is not JSON.`);
  }
  return parseManifest(json, url);
}

/**
 * The response's text, refused unread (or as soon as it grows) past `limit` bytes: a manifest (or
 * `what` else is read) is never that large, and nothing that large is read into memory.
 */
export async function textWithin(response: Response, limit: number, url: string, what = 'model manifest', aWhat = 'a manifest'): Promise<string> {
  const tooLarge = () => new EngineError('model-invalid', `The ${what} at ${url} is over ${limit / 2 ** 20} MB: it is not ${aWhat}.`);
  if (Number(response.headers.get('content-length') ?? 0) > limit) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const reader = response.body?.getReader();
  if (!reader) return '';
  const parts: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
