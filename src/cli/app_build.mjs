// @ts-check
// The built app the command line drives: built with Vite into its own folder (not dist/, which
// `npm start` and the e2e tests rebuild and empty at any moment), and rebuilt only when a source
// is newer than the build. A build takes ~5 s here (2 cores); the check takes milliseconds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Written after a build succeeds: a build cut short leaves none, so it is redone. */
const STAMP = '.built';

/** Inputs of the build, relative to the repository root. */
const INPUTS = ['src', 'shaders', 'public', 'models/zoetrope-s', 'index.html', 'vite.config.ts', 'package.json', 'package-lock.json'];

/**
 * Newest modification time (ms) of a file or of any file below a folder; 0 when missing.
 * @param {string} path
 * @returns {number}
 */
export function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Whether the build in `outDir` is missing or older than any input under `root`.
 * @param {string} root
 * @param {string} outDir
 */
export function needsBuild(root, outDir) {
  const stamp = join(outDir, STAMP);
  if (!existsSync(stamp)) return true;
  const builtAt = statSync(stamp).mtimeMs;
  return INPUTS.some((input) => newestMtime(join(root, input)) > builtAt);
}

/**
 * Builds the app into `outDir` when needed; returns whether it built.
 * @param {string} root
 * @param {string} outDir
 * @param {(line: string) => void} log
 */
export function ensureBuilt(root, outDir, log) {
  if (!needsBuild(root, outDir)) return false;
  log('building the app (vite build)…');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    // Vite takes a production build from NODE_ENV, which a caller such as vitest sets to 'test':
    // that build would keep dev-server-only paths (import.meta.env.DEV true).
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(`vite build failed:\n${result.stderr || result.stdout}`);
  }
  writeFileSync(join(outDir, STAMP), new Date().toISOString());
  return true;
}
