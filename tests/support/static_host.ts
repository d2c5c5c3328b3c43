// A plain static host for the built app (dist/), as GitHub Pages or a bucket would be: correct
// content types and the one-page-app fallback, but none of the COOP/COEP headers that our own
// dev and preview servers send. Tests use it to check that the service worker makes the page
// cross-origin isolated by itself.
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};

export class StaticHost {
  private server: Server | null = null;
  private port = 0;
  /** Response headers of every request served, by path, to show which headers the host really sent. */
  readonly sentHeaders = new Map<string, Record<string, string>>();

  constructor(private readonly root: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const root = resolve(this.root);
    const server = createServer((req, res) => {
      void (async () => {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
        let file = normalize(join(root, path));
        if (!file.startsWith(root)) {
          res.writeHead(403).end();
          return;
        }
        const isFile = await stat(file).then((s) => s.isFile(), () => false);
        // Unknown paths without an extension are pages of the app: serve index.html.
        if (!isFile) file = extname(path) === '' ? join(root, 'index.html') : '';
        const body = file ? await readFile(file).catch(() => null) : null;
        const headers: Record<string, string> = body
          ? { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' }
          : {};
        this.sentHeaders.set(path, headers);
        if (!body) res.writeHead(404).end();
        else res.writeHead(200, headers).end(body);
      })();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
}
