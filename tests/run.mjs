// `npm test`: make sure the system tools the tests use are present, type-check, then run the
// unit tests (vitest, in Node) and the browser tests (Playwright, headless Chromium with
// WebGPU), and end with one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { DEFAULT_CHROMIUM_PATHS, findChromium, INSTALL_HINT } from './support/chromium.mjs';

const RESULTS = 'test-results';

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function chromiumPresent() {
  try {
    findChromium();
    return true;
  } catch {
    return false;
  }
}

/** Debian packages the tests need: Chromium (browser tests) and ffmpeg (checks MP4 output). */
function missingPackages() {
  const missing = [];
  if (!chromiumPresent()) {
    if (process.env.CHROMIUM_PATH) {
      console.error(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, but there is no file there.`);
      process.exit(1);
    }
    missing.push('chromium');
  }
  if (!onPath('ffmpeg') || !onPath('ffprobe')) missing.push('ffmpeg');
  return missing;
}

function run(command, args, env = {}) {
  console.log(`\n$ ${[command, ...args].join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
}

function ensureSystemPackages() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    console.error(
      `The tests need ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed.\n` +
        `Install: sudo apt-get install -y ${missing.join(' ')}\n` +
        (missing.includes('chromium') ? `(Chromium is looked for at $CHROMIUM_PATH, then ${DEFAULT_CHROMIUM_PATHS.join(', ')}. ${INSTALL_HINT})\n` : ''),
    );
    process.exit(1);
  }
  console.log(`Installing ${missing.join(', ')} from Debian's packages (running as root)…`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update', '-qq'], env) !== 0 || run('apt-get', ['install', '-y', '-qq', ...missing], env) !== 0) {
    console.error(`Could not install ${missing.join(', ')} with apt-get.`);
    process.exit(1);
  }
  const still = missingPackages();
  if (still.length > 0) {
    console.error(`Still missing after apt-get: ${still.join(', ')}.`);
    process.exit(1);
  }
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

ensureSystemPackages();
rmSync(RESULTS, { recursive: true, force: true });

const typecheckStatus = run('npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human']);
const unitStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${RESULTS}/vitest.json`]);
const browserStatus = run('npx', ['playwright', 'test', '-c', 'tests/playwright.config.ts']);

const unit = readJson(`${RESULTS}/vitest.json`);
const browser = readJson(`${RESULTS}/playwright.json`);
const unitPassed = unit?.numPassedTests ?? 0;
const unitFailed = unit ? unit.numFailedTests : 1;
const browserPassed = browser?.stats.expected ?? 0;
const browserFailed = browser ? browser.stats.unexpected + browser.stats.flaky : 1;

console.log(`\ntype check (svelte-check): ${typecheckStatus === 0 ? 'clean' : 'FAILED'}`);
console.log(`unit (vitest, Node): ${unitPassed} passed, ${unitFailed} failed`);
console.log(`browser (Playwright, Chromium + WebGPU): ${browserPassed} passed, ${browserFailed} failed`);
console.log(`total: ${unitPassed + browserPassed} passed, ${unitFailed + browserFailed} failed`);
process.exit(typecheckStatus === 0 && unitStatus === 0 && browserStatus === 0 && unitFailed + browserFailed === 0 ? 0 : 1);
