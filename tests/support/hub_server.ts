// A local stand-in for the Hugging Face Hub, for the Wan download tests: serves a folder laid out as
// <owner>/<repo>/<path> (models/wan/chain.py writes the twins so) on 127.0.0.1 with the Hub's two
// routes the app uses, streaming files from disk with Range support and CORS:
//
//   GET /api/models/<owner>/<repo>/tree/<revision>?recursive=true
//       [{ type: 'file', path, size, oid, lfs?: { oid: <sha256>, size, pointerSize } }, ...]
//       (files over 10 MB are LFS with a sha256, as on the Hub; smaller ones carry their git blob SHA-1)
//   GET /<owner>/<repo>/resolve/<revision>/<path>
//
// `replace` serves other bytes for one file (a hostile or malformed file), listed with its own
// size and digests, as a Hub holding that file would.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import makeWanTwins, { WAN_TWINS_DIR } from '../unit/support/wan_twins_setup.ts';

const LFS_ABOVE = 10 * 1000 * 1000;
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Range',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length',
};

interface Entry {
  type: 'file';
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

export class HubServer {
  readonly requests: { path: string; range: string | null; status: number }[] = [];
  /** While true every connection is dropped unanswered, as when the network is gone. */
  unreachable = false;
  private readonly replaced = new Map<string, Buffer>();
  private readonly digests = new Map<string, { sha256: string; sha1: string }>();
  private server: Server | null = null;
  private port = 0;

  constructor(private readonly root: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Serves `bytes` as <repo>/<path> from now on (null: the file on disk again). */
  replace(repo: string, path: string, bytes: Buffer | null): void {
    if (bytes) this.replaced.set(`${repo}/${path}`, bytes);
    else this.replaced.delete(`${repo}/${path}`);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const range = req.headers.range ?? null;
    const answer = (status: number) => this.requests.push({ path: url.pathname, range, status });
    if (this.unreachable) {
      req.socket.destroy();
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return;
    }
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/[^/]+$/.exec(url.pathname);
    if (tree) {
      const body = JSON.stringify(await this.listing(tree[1]!));
      answer(200);
      res.writeHead(200, { ...CORS, 'Content-Type': 'application/json' }).end(body);
      return;
    }
    const file = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(url.pathname);
    if (!file) {
      answer(404);
      res.writeHead(404, CORS).end('not found');
      return;
    }
    const key = `${file[1]}/${decodeURIComponent(file[2]!)}`;
    const replaced = this.replaced.get(key);
    let size: number;
    try {
      size = replaced ? replaced.length : statSync(join(this.root, key)).size;
    } catch {
      answer(404);
      res.writeHead(404, CORS).end('not found');
      return;
    }
    const match = range ? /^bytes=(\d+)-$/.exec(range) : null;
    const start = match ? Number(match[1]) : 0;
    const status = match && start > 0 ? 206 : 200;
    answer(status);
    res.writeHead(status, {
      ...CORS,
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(size - start),
      ...(status === 206 && { 'Content-Range': `bytes ${start}-${size - 1}/${size}` }),
    });
    if (replaced) res.end(replaced.subarray(start));
    else createReadStream(join(this.root, key), { start }).pipe(res);
  }

  private async listing(repo: string): Promise<Entry[]> {
    const dir = join(this.root, repo);
    const entries: Entry[] = [];
    const walk = (folder: string) => {
      for (const name of readdirSync(folder)) {
        const full = join(folder, name);
        if (statSync(full).isDirectory()) walk(full);
        else entries.push({ type: 'file', path: relative(dir, full), size: 0, oid: '' });
      }
    };
    walk(dir);
    for (const [key, bytes] of this.replaced) {
      if (key.startsWith(`${repo}/`) && !entries.some((e) => `${repo}/${e.path}` === key)) entries.push({ type: 'file', path: key.slice(repo.length + 1), size: bytes.length, oid: '' });
    }
    for (const entry of entries) {
      const key = `${repo}/${entry.path}`;
      const replaced = this.replaced.get(key);
      const size = replaced ? replaced.length : statSync(join(dir, entry.path)).size;
      const { sha256, sha1 } = replaced ? digestsOf(replaced) : await this.fileDigests(join(dir, entry.path));
      entry.size = size;
      if (size > LFS_ABOVE) {
        entry.oid = sha1;
        entry.lfs = { oid: sha256, size, pointerSize: 134 };
      } else {
        entry.oid = sha1;
      }
    }
    return entries;
  }

  /** sha256 and git blob SHA-1 of a file on disk, remembered by path, size and time. */
  private async fileDigests(path: string): Promise<{ sha256: string; sha1: string }> {
    const { size, mtimeMs } = statSync(path);
    const key = `${path}:${size}:${mtimeMs}`;
    const known = this.digests.get(key);
    if (known) return known;
    const sha256 = createHash('sha256');
    const sha1 = createHash('sha1').update(`blob ${size}\0`);
    for await (const chunk of createReadStream(path)) {
      sha256.update(chunk as Buffer);
      sha1.update(chunk as Buffer);
    }
    const digests = { sha256: sha256.digest('hex'), sha1: sha1.digest('hex') };
    this.digests.set(key, digests);
    return digests;
  }
}

function digestsOf(bytes: Buffer): { sha256: string; sha1: string } {
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sha1: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
  };
}

/** A hub serving the Wan twins (models/wan/chain.py's layout), made first when missing or stale. */
export async function twinHub(): Promise<HubServer> {
  makeWanTwins(); // at once when .cache/wan-twins is up to date (vitest's setup usually wrote it)
  const hub = new HubServer(join(WAN_TWINS_DIR, 'hub'));
  await hub.start();
  return hub;
}
