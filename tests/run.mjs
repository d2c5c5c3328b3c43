// `npm test`: make sure the system tools the tests use are present, type-check, then run the
// unit tests (vitest, in Node), the PyTorch twin's tests (Debian's python3-torch), and the
// browser tests (Playwright, headless Chromium with WebGPU), and end with one summary line.
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

/** The Python with Debian's torch and onnx (the `python3` first on PATH may be another one). */
const PYTHON = '/usr/bin/python3';

function pythonHas(modules) {
  return spawnSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Debian packages the tests need: Chromium (browser tests), ffmpeg (checks MP4 output), and
 * PyTorch with onnx (the model's PyTorch twin, its exports and goldens).
 */
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
  if (!pythonHas('torch')) missing.push('python3-torch');
  if (!pythonHas('onnx')) missing.push('python3-onnx');
  return missing;
}

/** Seconds each part of the run took, for the summary (CI's time limit is watched by it). */
const timings = [];
function timed(name, action) {
  const start = performance.now();
  const result = action();
  timings.push(`${name} ${Math.round((performance.now() - start) / 1000)} s`);
  return result;
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

/**
 * Runs the PyTorch twins' unittest suites (models/train: our model; models/wan: the Wan twins and
 * manifests); unittest reports on stderr ("Ran N tests", "FAILED (…)").
 */
function runPythonTests() {
  const suites = ['models/train', 'models/wan'].map((folder) => {
    const args = ['-m', 'unittest', 'discover', '-s', folder, '-p', 'test_*.py'];
    console.log(`\n$ ${PYTHON} ${args.join(' ')}`);
    const result = spawnSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    const ran = Number(/Ran (\d+) tests?/.exec(result.stderr)?.[1] ?? 0);
    const counts = /FAILED \(([^)]*)\)/.exec(result.stderr)?.[1] ?? '';
    const failed = [...counts.matchAll(/(?:failures|errors)=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    const names = result.stderr.split('\n').filter((line) => /^(FAIL|ERROR): /.test(line)).map((line) => `python ${folder}: ${line}`);
    return { status: result.status ?? 1, passed: ran - failed, failed: result.status === 0 ? failed : Math.max(failed, 1), names };
  });
  return {
    names: suites.flatMap((suite) => suite.names),
    status: suites.every((suite) => suite.status === 0) ? 0 : 1,
    passed: suites.reduce((sum, suite) => sum + suite.passed, 0),
    failed: suites.reduce((sum, suite) => sum + suite.failed, 0),
  };
}

/** The slowest browser tests, from Playwright's JSON report: where the run's minutes go. */
function slowestBrowserTests(report, count) {
  const rows = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        const seconds = t.results.reduce((sum, r) => sum + r.duration, 0) / 1000;
        rows.push({ seconds, name: `${t.projectName} ${spec.file}:${spec.line} ${spec.title.slice(0, 70)}` });
      }
    }
    (suite.suites ?? []).forEach(walk);
  };
  (report?.suites ?? []).forEach(walk);
  return rows.sort((a, b) => b.seconds - a.seconds).slice(0, count);
}

/** The first lines of a failure message, without colour codes: enough to tell which check broke. */
function firstLines(message, count = 6) {
  // eslint-disable-next-line no-control-regex
  return String(message ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim()).slice(0, count).map((l) => `      ${l.slice(0, 200)}`);
}

/** Every failed test of a vitest JSON report, named, with how it failed (the summary is the log's tail). */
function failedVitestTests(report, label) {
  return (report?.testResults ?? []).flatMap((file) => {
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed')
      .map((t) => [`${label} ${file.name.replace(process.cwd() + '/', '')} › ${t.fullName}`, ...firstLines(t.failureMessages?.[0])]);
    // A file that failed to load has no failed test, only its own message.
    if (failedTests.length === 0 && file.status === 'failed') return [[`${label} ${file.name.replace(process.cwd() + '/', '')}`, ...firstLines(file.message)]];
    return failedTests;
  }).map((lines) => lines.join('\n'));
}

/** The same from Playwright's JSON report: tests whose outcome was unexpected or flaky. */
function failedBrowserTests(report) {
  const rows = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (t.status !== 'unexpected' && t.status !== 'flaky') continue;
        const error = t.results.find((r) => r.error)?.error;
        rows.push([`browser (${t.status}) ${t.projectName} ${spec.file}:${spec.line} ${spec.title}`, ...firstLines(error?.message)].join('\n'));
      }
    }
    (suite.suites ?? []).forEach(walk);
  };
  (report?.suites ?? []).forEach(walk);
  return rows;
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

ensureSystemPackages();
rmSync(RESULTS, { recursive: true, force: true });

const typecheckStatus = timed('type check', () => run('npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human']));
const unitStatus = timed('unit', () => run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${RESULTS}/vitest.json`]));
const python = timed('python', runPythonTests);
// f16 (and f32) kernels and the GPU runtime on WebGPU in Node: Dawn over Mesa 25 lavapipe,
// unpacked into .cache/ without root (Chromium's SwiftShader has no shader-f16).
const gpuNodeStatus = timed('GPU in Node', () =>
  run('bash', ['tests/support/lavapipe.sh']) === 0
    ? run('npx', ['vitest', 'run', '-c', 'tests/gpu-node/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile=${RESULTS}/vitest-gpu-node.json`])
    : 1,
);
const browserStatus = timed('browser', () => run('npx', ['playwright', 'test', '-c', 'tests/playwright.config.ts']));

const unit = readJson(`${RESULTS}/vitest.json`);
const browser = readJson(`${RESULTS}/playwright.json`);
const unitPassed = unit?.numPassedTests ?? 0;
const unitFailed = unit ? unit.numFailedTests : 1;
const browserPassed = browser?.stats.expected ?? 0;
const browserFailed = browser ? browser.stats.unexpected + browser.stats.flaky : 1;

console.log(`\ntype check (svelte-check): ${typecheckStatus === 0 ? 'clean' : 'FAILED'}`);
console.log(`unit (vitest, Node): ${unitPassed} passed, ${unitFailed} failed`);
const gpuNode = readJson(`${RESULTS}/vitest-gpu-node.json`);
const gpuNodePassed = gpuNode?.numPassedTests ?? 0;
const gpuNodeFailed = gpuNode ? gpuNode.numFailedTests : 1;
console.log(`GPU in Node (vitest, Dawn + lavapipe, f16 + f32): ${gpuNodePassed} passed, ${gpuNodeFailed} failed`);
console.log(`python (unittest, PyTorch twins): ${python.passed} passed, ${python.failed} failed`);
console.log(`browser (Playwright, Chromium + WebGPU): ${browserPassed} passed, ${browserFailed} failed`);
const passed = unitPassed + gpuNodePassed + python.passed + browserPassed;
const failed = unitFailed + gpuNodeFailed + python.failed + browserFailed;
console.log(`total: ${passed} passed, ${failed} failed`);
console.log(`time: ${timings.join(', ')}`);
console.log('slowest browser tests:');
for (const row of slowestBrowserTests(browser, 20)) console.log(`  ${row.seconds.toFixed(1).padStart(6)} s  ${row.name}`);
const failures = [...failedVitestTests(unit, 'unit'), ...failedVitestTests(gpuNode, 'GPU in Node'), ...python.names, ...failedBrowserTests(browser)];
if (failures.length > 0) {
  console.log('failed tests:');
  for (const failure of failures) console.log(`  ${failure}`);
}
const allRan = [typecheckStatus, unitStatus, gpuNodeStatus, python.status, browserStatus].every((status) => status === 0);
process.exit(allRan && failed === 0 ? 0 : 1);
