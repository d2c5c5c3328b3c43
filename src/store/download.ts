// Fetching a model's files with streamed progress and integrity checks.
//
// Each file is read as a stream so progress is reported while bytes arrive, then checked against
// the manifest's size and sha256 before anything uses it. (Caching in IndexedDB and resuming cut
// downloads are the model store's job, layered on top of this.)
import type { LoadProgress, ModelFile, ModelInfo } from '../worker/api.ts';
import { EngineError } from '../worker/errors.ts';
import { parseManifest } from './manifest.ts';

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fetchFailed(url: string, detail: string): EngineError {
  return new EngineError(
    'model-fetch-failed',
    `Could not download ${url}. Check your connection and try again; nothing already checked is lost.`,
    detail,
  );
}

async function fetchOk(url: string, signal: AbortSignal | undefined): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (cause) {
    if (signal?.aborted) throw signal.reason;
    throw fetchFailed(url, cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok) throw fetchFailed(url, `HTTP ${response.status} ${response.statusText}`);
  // Single-page-app hosts answer a missing file with their index page and status 200.
  if (response.headers.get('content-type')?.startsWith('text/html')) {
    throw fetchFailed(url, 'the server answered with a web page: the file is probably missing there');
  }
  return response;
}

export async function fetchManifest(url: string, signal?: AbortSignal): Promise<ModelInfo> {
  const response = await fetchOk(url, signal);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new EngineError('model-invalid', `The model manifest at ${url} is not JSON.`);
  }
  return parseManifest(json, url);
}

/** Streams one file, reporting progress as bytes arrive, and checks its size and sha256. */
export async function fetchVerifiedFile(
  url: string,
  file: ModelFile,
  onBytes: (loaded: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetchOk(url, signal);
  const body = new Uint8Array(file.bytes);
  let loaded = 0;
  const reader = response.body?.getReader();
  if (!reader) throw fetchFailed(url, 'the response has no body');
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > file.bytes) {
      await reader.cancel();
      throw damaged(file, `more than the ${file.bytes} bytes the manifest lists`);
    }
    body.set(value, loaded);
    loaded += value.byteLength;
    await onBytes(loaded);
  }
  if (loaded !== file.bytes) throw damaged(file, `${loaded} of ${file.bytes} bytes arrived`);
  const digest = await sha256Hex(body);
  if (digest !== file.sha256) throw damaged(file, `sha256 ${digest}, expected ${file.sha256}`);
  return body;
}

function damaged(file: ModelFile, detail: string): EngineError {
  return new EngineError(
    'model-invalid',
    `The model file ${file.path} arrived damaged. Try again; if it keeps failing, the server holds a broken copy.`,
    detail,
  );
}

/** Downloads every file of a manifest in turn; resolves with the checked bytes by path. */
export async function downloadModel(
  manifestUrl: string,
  onProgress: (progress: LoadProgress) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ info: ModelInfo; files: Map<string, Uint8Array<ArrayBuffer>> }> {
  const info = await fetchManifest(manifestUrl, signal);
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  const started = performance.now();
  let doneBefore = 0;
  for (const [fileIndex, file] of info.files.entries()) {
    const url = new URL(file.path, new URL(manifestUrl, globalThis.location?.href)).href;
    const report = async (loaded: number) => {
      const seconds = Math.max(1e-3, (performance.now() - started) / 1000);
      await onProgress({
        file: file.path,
        fileIndex,
        fileCount: info.files.length,
        loadedBytes: doneBefore + loaded,
        totalBytes: info.totalBytes,
        bytesPerSecond: (doneBefore + loaded) / seconds,
      });
    };
    files.set(file.path, await fetchVerifiedFile(url, file, report, signal));
    doneBefore += file.bytes;
    await report(0);
  }
  return { info, files };
}
