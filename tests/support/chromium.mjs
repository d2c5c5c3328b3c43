// @ts-check
// Which Chromium the browser tests drive, and how it is started. Plain JavaScript so that both
// the test runner script (tests/run.mjs, plain Node) and playwright.config.ts can import it.
//
// Playwright cannot download its own browsers here, so the tests drive the system's Chromium
// (Debian's `chromium` package) through playwright-core.
import { existsSync } from 'node:fs';

export const DEFAULT_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const INSTALL_HINT =
  'Install it (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary.';

/**
 * The Chromium binary: $CHROMIUM_PATH if set, else the first system path that exists.
 * @param {Record<string, string | undefined>} [env]
 * @returns {string}
 */
export function findChromium(env = process.env) {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but there is no file there.`);
  }
  const found = DEFAULT_CHROMIUM_PATHS.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(`No Chromium found for the browser tests. ${INSTALL_HINT}`);
}

/** Flags for quiet, reproducible headless runs on a machine with no network but loopback. */
export const BASE_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** WebGPU is behind this flag on Linux; with it, headless Chromium offers SwiftShader's adapter. */
export const WEBGPU_ARG = '--enable-unsafe-webgpu';
