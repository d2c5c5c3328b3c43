// @ts-check
// A small static file server for the built app (and a local model folder), on 127.0.0.1 at a
// free port. It sends COOP/COEP like our Vite servers, so the page is cross-origin isolated and
// onnxruntime-web's WASM backend gets its threads.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cache-Control': 'no-store',
};

/**
 * The file under `root` that `urlPath` names, or null when it names none or tries to leave root.
 * @param {string} root
 * @param {string} urlPath
 */
function fileUnder(root, urlPath) {
  const file = resolve(root, `.${decodeURIComponent(urlPath)}`);
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) return fileUnder(root, `${urlPath.replace(/\/$/, '')}/index.html`);
    return stat.isFile() ? { file, bytes: stat.size } : null;
  } catch {
    return null;
  }
}

/**
 * Serves `appDir` at / and each of `mounts` (URL prefix → folder) under its prefix.
 * @param {string} appDir
 * @param {Record<string, string>} [mounts] e.g. { '/cli-model/': '/home/me/models/mine' }
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveStatic(appDir, mounts = {}) {
  const roots = Object.entries(mounts).map(([prefix, dir]) => /** @type {const} */ ([prefix, resolve(dir)]));
  const appRoot = resolve(appDir);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const mount = roots.find(([prefix]) => path.startsWith(prefix));
    const found = mount ? fileUnder(mount[1], `/${path.slice(mount[0].length)}`) : fileUnder(appRoot, path);
    if (!found || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(found ? 405 : 404, { ...HEADERS, 'Content-Type': 'text/plain' }).end(found ? 'Method not allowed' : 'Not found');
      return;
    }
    const type = TYPES[/** @type {keyof typeof TYPES} */ (extname(found.file))] ?? 'application/octet-stream';
    res.writeHead(200, { ...HEADERS, 'Content-Type': type, 'Content-Length': String(found.bytes) });
    if (req.method === 'HEAD') res.end();
    else createReadStream(found.file).pipe(res);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the static server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done(undefined));
      }),
  };
}
