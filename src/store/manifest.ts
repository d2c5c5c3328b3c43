// A model's manifest.json: its name and version, its config embedded verbatim, and every file
// with its size and sha256. Manifests come from the network, so everything is checked before use.
import { EngineError } from '../errors/engine_error.ts';

/**
 * How a file's published digest is computed. 'sha256' over the file's bytes is what manifests list
 * and the only kind parseManifest accepts. 'git-blob-sha1' is the SHA-1 git names a blob by (over
 * `blob <size>\0` and the bytes): all the Hugging Face Hub publishes for small files kept in git
 * rather than LFS (config.json, tokenizer files), so only Hub listings (hub_listing.ts) use it.
 */
export type DigestKind = 'sha256' | 'git-blob-sha1';

export interface ModelFile {
  path: string;
  bytes: number;
  /**
   * The file's published digest in lowercase hex, of the kind `digest` names: 64 digits for a
   * sha256, 40 for a git blob SHA-1. It is also the file's key in the store (model_db.ts), so the
   * name stays `sha256` whatever the kind.
   */
  sha256: string;
  /** Absent means 'sha256'. */
  digest?: DigestKind;
}

export interface ModelInfo {
  name: string;
  version: string;
  files: ModelFile[];
  totalBytes: number;
  /** The model's config (models/configs/<name>.json), embedded verbatim in its manifest. */
  config: Record<string, unknown>;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
export const SHA1_HEX = /^[0-9a-f]{40}$/;

// Sane limits, checked before anything is sized from the manifest's numbers (each file is
// downloaded into one buffer of its listed size). ORT-web reads external data with 32-bit offsets,
// so no usable weight file is larger than 4 GiB; Wan2.1-1.3B, the largest model this engine runs,
// is about 3 GB in all.
export const MAX_MANIFEST_FILES = 4096;
export const MAX_FILE_BYTES = 4 * 1024 ** 3;
export const MAX_MODEL_BYTES = 64 * 1024 ** 3;
/** A manifest is a few kB of JSON; more than this is not one (and is not read into memory). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
// Files loaded as Blobs (ModelStore.loadBlobs) are never held in one buffer, so they may be far
// larger: Wan 2.1's umT5 weights are 11.4 GB in one file. Past this, a listing is not believed.
export const MAX_BLOB_FILE_BYTES = 64 * 1024 ** 3;
// A git blob SHA-1 is computed with crypto.subtle over the whole file in memory; the Hub keeps
// only small files in git (larger ones go to LFS, with a sha256), so this is ample.
export const MAX_GIT_BLOB_BYTES = 64 * 1024 ** 2;
export const MAX_NAME_CHARS = 200;
// Relative paths inside the model folder only: no scheme, no leading slash, no "..".
const SAFE_PATH = /^(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._-][A-Za-z0-9._/-]*$/;

/** A relative path inside a model's folder (or a repository): nothing that could leave it. */
export function isSafePath(path: string): boolean {
  return path.length <= MAX_NAME_CHARS && SAFE_PATH.test(path);
}

function invalid(url: string, what: string): EngineError {
  return new EngineError(
    'model-invalid',
    `The model manifest at ${url} is not valid (${what}). The model may be damaged or from an ` +
      'incompatible version of Zoetrope.',
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseManifest(json: unknown, url: string): ModelInfo {
  if (!isRecord(json)) throw invalid(url, 'not a JSON object');
  const { name, version, config, files } = json;
  if (typeof name !== 'string' || name === '') throw invalid(url, 'missing "name"');
  if (typeof version !== 'string' || version === '') throw invalid(url, 'missing "version"');
  if (name.length > MAX_NAME_CHARS || version.length > MAX_NAME_CHARS) throw invalid(url, `"name" or "version" is over ${MAX_NAME_CHARS} characters`);
  if (!isRecord(config)) throw invalid(url, 'missing "config" object');
  if (!Array.isArray(files) || files.length === 0) throw invalid(url, 'missing "files" list');
  if (files.length > MAX_MANIFEST_FILES) throw invalid(url, `${files.length} files listed, more than ${MAX_MANIFEST_FILES}`);

  const seen = new Set<string>();
  const checked: ModelFile[] = files.map((file: unknown, i) => {
    if (!isRecord(file)) throw invalid(url, `files[${i}] is not an object`);
    const { path, bytes, sha256 } = file;
    if (typeof path !== 'string' || !isSafePath(path)) throw invalid(url, `files[${i}].path is not a relative path`);
    if (seen.has(path)) throw invalid(url, `${path} is listed twice`);
    seen.add(path);
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0)
      throw invalid(url, `${path} has no valid "bytes"`);
    if (bytes > MAX_FILE_BYTES) throw invalid(url, `${path} is listed at ${bytes} bytes, more than the ${MAX_FILE_BYTES / 1024 ** 3} GiB a model file may have`);
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) throw invalid(url, `${path} has no valid "sha256"`);
    return { path, bytes, sha256 };
  });
  const totalBytes = checked.reduce((sum, f) => sum + f.bytes, 0);
  if (totalBytes > MAX_MODEL_BYTES) throw invalid(url, `its files add up to ${totalBytes} bytes, more than the ${MAX_MODEL_BYTES / 1024 ** 3} GiB a model may have`);
  return { name, version, config, files: checked, totalBytes };
}
