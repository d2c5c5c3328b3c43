// Which Chromium the browser tests drive, and how it is started.
//
// Playwright cannot download its own browsers here, so the tests drive the system's Chromium
// (Debian's `chromium` package) through playwright-core.
import { existsSync } from 'node:fs';

const DEFAULT_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but there is no file there.`);
  }
  const found = DEFAULT_PATHS.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(
    'No Chromium found for the browser tests. Install it (Debian/Ubuntu: `sudo apt-get install -y chromium`) ' +
      'or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
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
