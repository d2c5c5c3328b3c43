// A model's manifest.json: its name and version, its config embedded verbatim, and every file
// with its size and sha256. Manifests come from the network, so everything is checked before use.
import type { ModelFile, ModelInfo } from '../worker/api.ts';
import { EngineError } from '../worker/errors.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;
// Relative paths inside the model folder only: no scheme, no leading slash, no "..".
const SAFE_PATH = /^(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._-][A-Za-z0-9._/-]*$/;

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
  if (!isRecord(config)) throw invalid(url, 'missing "config" object');
  if (!Array.isArray(files) || files.length === 0) throw invalid(url, 'missing "files" list');

  const seen = new Set<string>();
  const checked: ModelFile[] = files.map((file: unknown, i) => {
    if (!isRecord(file)) throw invalid(url, `files[${i}] is not an object`);
    const { path, bytes, sha256 } = file;
    if (typeof path !== 'string' || !SAFE_PATH.test(path)) throw invalid(url, `files[${i}].path is not a relative path`);
    if (seen.has(path)) throw invalid(url, `${path} is listed twice`);
    seen.add(path);
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0)
      throw invalid(url, `${path} has no valid "bytes"`);
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) throw invalid(url, `${path} has no valid "sha256"`);
    return { path, bytes, sha256 };
  });
  return {
    name,
    version,
    config,
    files: checked,
    totalBytes: checked.reduce((sum, f) => sum + f.bytes, 0),
  };
}
