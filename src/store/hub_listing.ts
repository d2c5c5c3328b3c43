// A model's file list from a Hugging Face Hub repository (huggingface.co, or a mirror that answers
// the same routes), for ModelStore.loadBlobs: models published there (Wan 2.1) have no manifest of
// ours, but the Hub's tree API lists each file's size and digest:
//
//   GET {hub}/api/models/{repo}/tree/{revision}?recursive=true
//   [{ type: 'file' | 'directory', path, size, oid, lfs?: { oid, size, pointerSize } }, ...]
//
// A file kept in Git LFS has its sha256 in lfs.oid; a small file kept in git itself has only its
// git blob SHA-1 (oid). Long listings come in pages, the next one named by a `Link: <…>; rel="next"`
// header. The listing comes from the network, so it is checked as strictly as a manifest is.
import { EngineError } from '../errors/engine_error.ts';
import { fetchChecked, textWithin } from './download.ts';
import {
  MAX_BLOB_FILE_BYTES,
  MAX_GIT_BLOB_BYTES,
  MAX_MANIFEST_BYTES,
  MAX_MANIFEST_FILES,
  MAX_MODEL_BYTES,
  MAX_NAME_CHARS,
  SHA1_HEX,
  SHA256_HEX,
  type ModelFile,
  type ModelInfo,
} from './manifest.ts';
import { formatBytes } from './range.ts';

export interface HubModel {
  /** The Hub's origin, such as https://huggingface.co (a trailing slash is ignored). */
  hub: string;
  /** owner/name, as in the repository's URL. */
  repo: string;
  /** A branch, tag or commit; 'main' if not given. */
  revision?: string;
  /** The model's name in the store (its key there: one name per set of files). */
  name: string;
  version: string;
  /** The repository's files this model is made of, in the order they are loaded. */
  paths: readonly string[];
}

export interface HubListing {
  info: ModelInfo;
  /** Where each file of `info` is downloaded from: {hub}/{repo}/resolve/{revision}/{path}. */
  urlOf: (file: ModelFile) => string;
}

/** Pages of a listing followed at most, looking for the files asked for (the Hub pages by 1000 entries). */
const MAX_PAGES = 50;
// owner/name: what the Hub allows in each part (letters, digits, "-", "_", "."), never "..".
const REPO = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Lists the files `model.paths` names in its Hub repository, with their sizes and digests. */
export async function hubModelInfo(model: HubModel, signal?: AbortSignal): Promise<HubListing> {
  const { repo, revision = 'main', paths } = model;
  const hub = model.hub.replace(/\/+$/, '');
  checkRequest(model, revision);
  const base = `${hub}/${repo}/resolve/${encodeURIComponent(revision)}/`;
  const first = `${hub}/api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;

  const found = new Map<string, ModelFile>();
  let next: string | null = first;
  for (let page = 0; next !== null && found.size < paths.length; page++) {
    if (page === MAX_PAGES) break;
    const url: string = next;
    const response = await fetchChecked(url, signal);
    next = nextPage(response.headers.get('link'), hub);
    const text = await textWithin(response, MAX_MANIFEST_BYTES, url, `file list of ${repo}`, 'a file list');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalid(repo, url, 'it is not JSON');
    }
    for (const file of filesIn(json, paths, repo, url)) {
      if (found.has(file.path)) throw invalid(repo, url, `${file.path} is listed twice`);
      found.set(file.path, file);
    }
  }

  const files = paths.map((path) => {
    const file = found.get(path);
    if (!file) throw new EngineError('model-invalid', `The repository ${repo} (revision ${revision}) on ${hub} has no file ${path}, which ${model.name} needs.`);
    return file;
  });
  const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  if (totalBytes > MAX_MODEL_BYTES) throw invalid(repo, first, `its files add up to ${formatBytes(totalBytes)}, more than the ${MAX_MODEL_BYTES / 1024 ** 3} GiB a model may have`);
  const info: ModelInfo = { name: model.name, version: model.version, files, totalBytes, config: { repo, revision } };
  const urlOf = (file: ModelFile) => base + file.path.split('/').map(encodeURIComponent).join('/');
  return { info, urlOf };
}

/** The caller's own values: wrong ones are a bug here, not the Hub's doing, but are refused just the same. */
function checkRequest(model: HubModel, revision: string): void {
  const wrong = (what: string) => new EngineError('bad-request', `Cannot list ${model.name || 'a model'} on the Hub: ${what}.`);
  if (!/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(model.hub)) throw wrong(`${model.hub} is not the address of a hub`);
  if (!REPO.test(model.repo) || model.repo.length > MAX_NAME_CHARS) throw wrong(`${model.repo} is not a repository name (owner/name)`);
  if (revision === '' || revision.length > MAX_NAME_CHARS) throw wrong('the revision is empty or too long');
  if (model.name === '' || model.version === '' || model.name.length > MAX_NAME_CHARS || model.version.length > MAX_NAME_CHARS) throw wrong('it needs a name and a version');
  if (model.paths.length === 0 || model.paths.length > MAX_MANIFEST_FILES) throw wrong(`${model.paths.length} files asked for`);
  const unsafe = model.paths.find((path) => !isRepoPath(path));
  if (unsafe !== undefined) throw wrong(`${unsafe} is not a relative path`);
  if (new Set(model.paths).size !== model.paths.length) throw wrong('a file is asked for twice');
}

/** The entries of one listing page that are files asked for, checked; other entries are only checked to be objects. */
function filesIn(json: unknown, paths: readonly string[], repo: string, url: string): ModelFile[] {
  if (!Array.isArray(json)) throw invalid(repo, url, 'not a JSON array');
  const wanted = new Set(paths);
  const files: ModelFile[] = [];
  for (const [i, entry] of json.entries()) {
    if (!isRecord(entry)) throw invalid(repo, url, `entry ${i} is not an object`);
    const { type, path } = entry;
    if (typeof path !== 'string' || !wanted.has(path)) continue;
    if (type !== 'file') throw invalid(repo, url, `${path} is a ${String(type)}, not a file`);
    files.push(fileOf(entry, path, repo, url));
  }
  return files;
}

function fileOf(entry: Record<string, unknown>, path: string, repo: string, url: string): ModelFile {
  const { size, oid, lfs } = entry;
  if (!isSize(size)) throw invalid(repo, url, `${path} has no valid size`);
  if (size > MAX_BLOB_FILE_BYTES) throw invalid(repo, url, `${path} is listed at ${formatBytes(size)}, more than the ${MAX_BLOB_FILE_BYTES / 1024 ** 3} GiB a model file may have`);
  if (lfs !== undefined && lfs !== null) {
    // In LFS: lfs.oid is the sha256 of the file's bytes, and lfs.size their length.
    if (!isRecord(lfs)) throw invalid(repo, url, `${path} has a malformed "lfs"`);
    if (typeof lfs.oid !== 'string' || !SHA256_HEX.test(lfs.oid)) throw invalid(repo, url, `${path} has no valid sha256 (lfs.oid)`);
    if (lfs.size !== size) throw invalid(repo, url, `${path} is listed at two sizes (${String(size)} and ${String(lfs.size)})`);
    return { path, bytes: size, sha256: lfs.oid };
  }
  if (typeof oid !== 'string' || !SHA1_HEX.test(oid)) throw invalid(repo, url, `${path} has neither a sha256 (lfs.oid) nor a git blob SHA-1 (oid)`);
  if (size > MAX_GIT_BLOB_BYTES) {
    throw invalid(repo, url, `${path} is ${formatBytes(size)} with only a git SHA-1 to check it by; files over ${formatBytes(MAX_GIT_BLOB_BYTES)} need a sha256 (Git LFS)`);
  }
  return { path, bytes: size, sha256: oid, digest: 'git-blob-sha1' };
}

/**
 * A file's path inside a repository: "/"-separated names, none empty, "." or "..", and no
 * backslash or control character. Wider than a manifest's paths (a Hub file may be named with
 * spaces): each name is URI-encoded into the file's URL, so none can reach outside the repository.
 */
function isRepoPath(path: string): boolean {
  if (path.length === 0 || path.length > MAX_NAME_CHARS || /[\\\u0000-\u001f\u007f]/.test(path)) return false;
  return path.split('/').every((name) => name !== '' && name !== '.' && name !== '..');
}

/** The next page's URL from a `Link` header, when it names one on the same hub; else null. */
function nextPage(link: string | null, hub: string): string | null {
  const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(link ?? '');
  if (!match) return null;
  try {
    const url = new URL(match[1]!, hub);
    return url.origin === new URL(hub).origin ? url.href : null;
  } catch {
    return null;
  }
}

function invalid(repo: string, url: string, what: string): EngineError {
  return new EngineError('model-invalid', `The file list of ${repo} at ${url} is not valid (${what}), so none of its files can be checked.`);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
