// A Hub repository's file list (src/store/hub_listing.ts) fetched from a real local HTTP server: the
// files asked for with their sizes and digest kinds, the URLs they download from, pages followed,
// and every way a listing can be wrong refused as model-invalid, naming the file. Also the git blob
// SHA-1 such listings give small files (src/store/file_digest.ts).
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/errors/engine_error.ts';
import { fileDigest } from '../../../src/store/file_digest.ts';
import { hubModelInfo, type HubModel } from '../../../src/store/hub_listing.ts';
import { MAX_GIT_BLOB_BYTES, MAX_MANIFEST_BYTES, parseManifest } from '../../../src/store/manifest.ts';

const SHA256 = 'ab'.repeat(32);
const SHA1 = 'cd'.repeat(20);
const REPO = 'acme/video-1B';
const TREE = `/api/models/${REPO}/tree/main`;

const lfs = (path: string, size: number, oid = SHA256) => ({ type: 'file', path, size, oid: 'ef'.repeat(20), lfs: { oid, size, pointerSize: 134 } });
const git = (path: string, size: number, oid = SHA1) => ({ type: 'file', path, size, oid });
const listing = [
  { type: 'directory', path: 'google', size: 0, oid: '00'.repeat(20) },
  git('config.json', 250),
  lfs('diffusion_pytorch_model.safetensors', 5_676_070_424),
  git('google/tokenizer config.json', 2_000),
  git('README.md', 9_000),
];

/** What the server answers for a path (query ignored): a JSON body, or raw text, and headers. */
type Answer = { json?: unknown; text?: string; status?: number; headers?: Record<string, string> };
const answers = new Map<string, Answer>();
const heard: string[] = [];
let server: Server;
let hub: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    heard.push(req.url ?? '');
    const answer = answers.get(url.pathname);
    if (!answer) return void res.writeHead(404).end();
    const body = answer.text ?? JSON.stringify(answer.json);
    res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const model = (paths: string[], more: Partial<HubModel> = {}): HubModel => ({ hub, repo: REPO, name: 'video', version: '1', paths, ...more });

/** The error hubModelInfo fails with, given the tree JSON the server answers. */
async function refusal(json: unknown, paths = ['config.json']): Promise<EngineError> {
  answers.set(TREE, { json });
  const error = await hubModelInfo(model(paths)).then(() => null, (e: unknown) => e);
  if (!(error instanceof EngineError)) throw new Error(`expected an EngineError, got ${String(error)}`);
  return error;
}

describe('hubModelInfo', () => {
  it('lists the files asked for, in that order, with their digest kinds and download URLs', async () => {
    answers.set(TREE, { json: listing });
    heard.length = 0;
    const paths = ['diffusion_pytorch_model.safetensors', 'config.json', 'google/tokenizer config.json'];
    const { info, urlOf } = await hubModelInfo(model(paths, { hub: `${hub}/` }));
    expect(heard).toEqual([`${TREE}?recursive=true`]);
    expect(info).toEqual({
      name: 'video',
      version: '1',
      files: [
        { path: 'diffusion_pytorch_model.safetensors', bytes: 5_676_070_424, sha256: SHA256 },
        { path: 'config.json', bytes: 250, sha256: SHA1, digest: 'git-blob-sha1' },
        { path: 'google/tokenizer config.json', bytes: 2_000, sha256: SHA1, digest: 'git-blob-sha1' },
      ],
      totalBytes: 5_676_070_424 + 250 + 2_000,
      config: { repo: REPO, revision: 'main' },
    });
    expect(urlOf(info.files[0]!)).toBe(`${hub}/${REPO}/resolve/main/diffusion_pytorch_model.safetensors`);
    expect(urlOf(info.files[2]!)).toBe(`${hub}/${REPO}/resolve/main/google/tokenizer%20config.json`);
  });

  it('asks for a revision, encoded as one path segment', async () => {
    answers.set(`/api/models/${REPO}/tree/refs%2Fpr%2F7`, { json: listing });
    const { urlOf, info } = await hubModelInfo(model(['config.json'], { revision: 'refs/pr/7' }));
    expect(info.config).toEqual({ repo: REPO, revision: 'refs/pr/7' });
    expect(urlOf(info.files[0]!)).toBe(`${hub}/${REPO}/resolve/refs%2Fpr%2F7/config.json`);
  });

  it('follows the Link header to later pages until every file is found', async () => {
    answers.set(TREE, { json: listing.slice(0, 2), headers: { Link: `<${hub}/page/2?cursor=abc>; rel="next"` } });
    answers.set('/page/2', { json: listing.slice(2), headers: { Link: `<${hub}/page/3>; rel="next"` } });
    heard.length = 0;
    const { info } = await hubModelInfo(model(['config.json', 'README.md']));
    expect(info.files.map((f) => f.path)).toEqual(['config.json', 'README.md']);
    expect(heard).toEqual([`${TREE}?recursive=true`, '/page/2?cursor=abc']); // not page 3: all found
    answers.delete('/page/2');
  });

  it('says which file the repository lacks', async () => {
    const error = await refusal(listing, ['config.json', 'model_index.json']);
    expect(error.code).toBe('model-invalid');
    expect(error.message).toContain(`The repository ${REPO} (revision main) on ${hub} has no file model_index.json`);
  });

  it.each([
    ['not an array', { files: listing }, /not a JSON array/],
    ['an entry that is not an object', [...listing, 7], /entry 5 is not an object/],
    ['a file listed twice', [...listing, git('config.json', 250)], /config.json is listed twice/],
    ['a folder where a file is asked for', [{ type: 'directory', path: 'config.json', size: 0, oid: SHA1 }], /config.json is a directory, not a file/],
    ['a size that is not a safe integer', [git('config.json', 2 ** 53)], /config.json has no valid size/],
    ['a negative size', [git('config.json', -1)], /config.json has no valid size/],
    ['a size as a string', [git('config.json', '250' as unknown as number)], /config.json has no valid size/],
    ['a short git oid', [git('config.json', 250, 'abc')], /config.json has neither a sha256/],
    ['an LFS oid that is not a sha256', [lfs('config.json', 250, SHA1)], /config.json has no valid sha256/],
    ['LFS and entry sizes that differ', [{ ...lfs('config.json', 250), size: 251 }], /config.json is listed at two sizes/],
    ['a 100 GB file', [lfs('config.json', 100e9)], /config.json is listed at 100 GB, more than the 64 GiB a model file may have/],
    ['a large file with only a git SHA-1', [git('config.json', MAX_GIT_BLOB_BYTES + 1)], /config.json is 67.1 MB with only a git SHA-1/],
  ])('refuses %s as model-invalid', async (_, json, message) => {
    const error = await refusal(json);
    expect(error.code).toBe('model-invalid');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(REPO);
  });

  it('refuses files that add up past the limit of a model', async () => {
    const error = await refusal([lfs('a', 40 * 1024 ** 3), lfs('b', 40 * 1024 ** 3)], ['a', 'b']);
    expect(error.message).toMatch(/its files add up to/);
  });

  it('refuses a listing that is not JSON, or too large to be one, without reading it all', async () => {
    answers.set(TREE, { text: '<html>' });
    await expect(hubModelInfo(model(['config.json']))).rejects.toThrow(/not valid \(it is not JSON\)/);
    answers.set(TREE, { text: ' '.repeat(MAX_MANIFEST_BYTES + 1) });
    await expect(hubModelInfo(model(['config.json']))).rejects.toThrow(/The file list of acme\/video-1B at .* is over 16 MB: it is not a file list/);
  });

  it('turns an HTTP error into model-fetch-failed', async () => {
    answers.set(TREE, { status: 401, json: { error: 'gated' } });
    await expect(hubModelInfo(model(['config.json']))).rejects.toMatchObject({ code: 'model-fetch-failed' });
  });

  it.each([
    ['a path leaving the repository', { paths: ['a/../../secrets'] }],
    ['an absolute path', { paths: ['/etc/passwd'] }],
    ['an empty name in a path', { paths: ['a//b'] }],
    ['a backslash in a path', { paths: ['a\\b'] }],
    ['a control character in a path', { paths: ['a\nb'] }],
    ['a path asked for twice', { paths: ['config.json', 'config.json'] }],
    ['no paths', { paths: [] }],
    ['a repository name with a slash too many', { repo: 'a/b/c' }],
    ['a hub that is no URL', { hub: 'huggingface.co' }],
  ])('refuses a request with %s before asking the hub', async (_, more) => {
    heard.length = 0;
    await expect(hubModelInfo(model(['config.json'], more))).rejects.toMatchObject({ code: 'bad-request' });
    expect(heard).toEqual([]);
  });
});

describe('git blob SHA-1', () => {
  it('is git’s name for the bytes', async () => {
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode('{"a": 1}\n'), randomBytes(100_000)]) {
      const digest = fileDigest({ path: 'config.json', bytes: bytes.length, sha256: SHA1, digest: 'git-blob-sha1' });
      for (let at = 0; at < bytes.length; at += 7_777) digest.update(bytes.subarray(at, at + 7_777));
      const expected = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
      expect(await digest.hex()).toBe(expected);
    }
    // `git hash-object` of an empty file.
    expect(await fileDigest({ path: 'e', bytes: 0, sha256: SHA1, digest: 'git-blob-sha1' }).hex()).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });

  it('is refused for a file too large to hash in memory, naming it', () => {
    expect(() => fileDigest({ path: 'big.bin', bytes: MAX_GIT_BLOB_BYTES + 1, sha256: SHA1, digest: 'git-blob-sha1' })).toThrow(
      /big.bin is listed with a git checksum only and is 67.1 MB: too large to check here/,
    );
  });

  it('is not something a manifest can ask for: manifests list sha256 only', () => {
    const manifest = { name: 'm', version: '1', config: {}, files: [{ path: 'config.json', bytes: 250, sha256: SHA1, digest: 'git-blob-sha1' }] };
    expect(() => parseManifest(manifest, 'https://example.test/manifest.json')).toThrow(/config.json has no valid "sha256"/);
    const withSha256 = { ...manifest, files: [{ ...manifest.files[0], sha256: SHA256 }] };
    expect(parseManifest(withSha256, 'https://example.test/manifest.json').files[0]).toEqual({ path: 'config.json', bytes: 250, sha256: SHA256 });
  });
});
