// A real HTTP server for model-store tests: serves a model folder on 127.0.0.1 (random port) with
// Range support and CORS, counts every request, and can misbehave on purpose: send slowly, cut
// the connection after N bytes of a file, or send one wrong byte. `serve` adds bytes at any path
// (a Hub's routes, a file made up by the test).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type Behaviour =
  | { kind: 'normal' }
  /** Sends bodies `pieceBytes` at a time with `delayMs` between pieces. */
  | { kind: 'slow'; pieceBytes: number; delayMs: number }
  /** Sends `file` up to byte `afterBytes` (of the file, not of the response), then drops the connection. */
  | { kind: 'cut'; file: string; afterBytes: number }
  /** Sends `file` with the byte at `offset` changed. */
  | { kind: 'wrong-byte'; file: string; offset: number };

export interface ServedRequest {
  method: string;
  path: string;
  range: string | null;
  status: number;
  /** Body bytes written to the socket. */
  bytesSent: number;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Range',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length',
};

export class ModelServer {
  behaviour: Behaviour = { kind: 'normal' };
  /** When false, Range headers are ignored and every answer is the whole file (200), as some hosts do. */
  rangeSupport = true;
  readonly requests: ServedRequest[] = [];
  private readonly files = new Map<string, Buffer>();
  private server: Server | null = null;
  private port = 0;

  constructor(folder?: string) {
    // Files only: a shipped model folder also holds samples/ (its card's pictures), which no
    // manifest names.
    for (const entry of folder ? readdirSync(folder, { withFileTypes: true }) : []) {
      if (entry.isFile()) this.files.set(entry.name, readFileSync(join(folder!, entry.name)));
    }
  }

  /** Serves `body` at `path` (no leading slash; the query is ignored), as a file of the folder is. */
  serve(path: string, body: Buffer | string): void {
    this.files.set(path, Buffer.from(body));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and drops kept-alive connections, so the browser really is offline. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** GET requests for one file. */
  gets(file: string): ServedRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.path === `/${file}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry: ServedRequest = { method: req.method ?? '', path, range: req.headers.range ?? null, status: 0, bytesSent: 0 };
    this.requests.push(entry);
    if (req.method === 'OPTIONS') return this.finish(res, entry, 204, {});
    const name = path.slice(1);
    let body = this.files.get(name);
    if (!body || req.method !== 'GET') return this.finish(res, entry, 404, {});

    const behaviour = this.behaviour;
    if (behaviour.kind === 'wrong-byte' && behaviour.file === name) {
      body = Buffer.from(body);
      body[behaviour.offset] = body[behaviour.offset]! ^ 0xff;
    }
    const match = this.rangeSupport ? /^bytes=(\d+)-$/.exec(entry.range ?? '') : null;
    const start = match ? Number(match[1]) : 0;
    const headers: Record<string, string> = {
      'Content-Type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      'Content-Length': String(body.length - start),
    };
    if (match) headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    entry.status = match ? 206 : 200;
    res.writeHead(entry.status, { ...CORS, ...headers });

    let part = body.subarray(start);
    if (behaviour.kind === 'cut' && behaviour.file === name) part = part.subarray(0, Math.max(0, behaviour.afterBytes - start));
    const piece = behaviour.kind === 'slow' ? behaviour.pieceBytes : part.length || 1;
    for (let at = 0; at < part.length; at += piece) {
      const slice = part.subarray(at, at + piece);
      await new Promise<void>((resolve) => res.write(slice, () => resolve()));
      entry.bytesSent += slice.length;
      if (behaviour.kind === 'slow') await new Promise((r) => setTimeout(r, behaviour.delayMs));
    }
    if (behaviour.kind === 'cut' && behaviour.file === name) {
      // Chromium drops bytes it has received but the page has not read yet when the connection
      // breaks, so stall first (as a failing network does): the page then holds exactly N bytes.
      await new Promise((r) => setTimeout(r, 300));
      res.socket?.destroy();
    } else res.end();
  }

  private finish(res: ServerResponse, entry: ServedRequest, status: number, headers: Record<string, string>): void {
    entry.status = status;
    res.writeHead(status, { ...CORS, ...headers });
    res.end();
  }
}
