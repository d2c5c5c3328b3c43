// @ts-check
// `npm run generate -- "a red ball bounces" --seconds 4 --seed 7 --aspect 16:9 -o out.mp4`
//
// Builds the app if needed, serves it on 127.0.0.1, runs it in headless Chromium, prints progress
// to stderr and writes the MP4. Usage and exit codes: args.mjs; README's "Command line".
import { randomInt } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './app_build.mjs';
import { parseArgs, UsageError, USAGE } from './args.mjs';
import { progressPrinter, summaryLine } from './report.mjs';
import { serveStatic } from './static_server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APP_DIR = join(ROOT, '.cache', 'cli-app');
const BUNDLED_MODEL = '/models/tiny-test/manifest.json';
/** Where a local --model folder is served, beside the app. */
const MODEL_MOUNT = '/cli-model/';
/** Engine errors that mean "the input was wrong", as opposed to "the run failed". */
const INPUT_ERRORS = new Set(['bad-request', 'prompt-refused']);

/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);

/**
 * Refuses an output path that cannot be written before any work is done.
 * @param {string} output
 */
function checkWritable(output) {
  const file = resolve(output);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`--output ${output} is a folder; give a file name such as clip.mp4.`);
  try {
    accessSync(existsSync(file) ? file : dirname(file), constants.W_OK);
  } catch {
    throw new UsageError(`Cannot write ${output}: ${existsSync(dirname(file)) ? 'permission denied' : `the folder ${dirname(file)} does not exist`}.`);
  }
  return file;
}

/**
 * The manifest URL the page loads, and the folder to serve for it when it is a local path.
 * @param {string | undefined} model
 * @returns {{ path: string, mounts: Record<string, string> } | { url: string, mounts: Record<string, string> }}
 */
function modelSource(model) {
  if (!model) return { path: BUNDLED_MODEL, mounts: {} };
  if (/^https?:\/\//.test(model)) return { url: model, mounts: {} };
  const given = resolve(model);
  const manifest = existsSync(given) && statSync(given).isDirectory() ? join(given, 'manifest.json') : given;
  if (!existsSync(manifest)) throw new UsageError(`--model ${model}: there is no ${manifest}.`);
  return { path: `${MODEL_MOUNT}${basename(manifest)}`, mounts: { [MODEL_MOUNT]: dirname(manifest) } };
}

/**
 * The files given with --image, --end-image and --extend, base64 for the trip into the page,
 * under their GenerateRequest names. Whether they are usable (an image, an MP4 of the right size)
 * is the engine's to say: its 'bad-request' exits 2 like a usage error.
 * @param {{ image?: string, endImage?: string, extend?: string }} options
 * @returns {Record<string, string>}
 */
function givenMedia(options) {
  /** @type {Record<string, string>} */
  const media = {};
  for (const [key, flag] of /** @type {const} */ ([['image', '--image'], ['endImage', '--end-image'], ['extend', '--extend']])) {
    const path = options[key];
    if (path === undefined) continue;
    if (!existsSync(path) || statSync(path).isDirectory()) throw new UsageError(`${flag} ${path}: there is no such file.`);
    media[key] = readFileSync(path).toString('base64');
  }
  return media;
}

async function main() {
  const options = parseArgs(process.argv.slice(2), () => randomInt(0, 2 ** 32));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const media = givenMedia(options);
  const output = checkWritable(options.output);
  const source = modelSource(options.model);

  const started = performance.now();
  if (ensureBuilt(ROOT, APP_DIR, log)) log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const server = await serveStatic(APP_DIR, source.mounts);
  try {
    const modelUrl = 'url' in source ? source.url : `${server.url}${source.path}`;
    const request = {
      prompt: options.prompt,
      seed: options.seed,
      durationSeconds: options.seconds,
      aspect: options.aspect,
      shortSide: 256, // the app's default tier; the model's bucket for the aspect sets the frame size
      ...(options.steps !== undefined && { steps: options.steps }),
      backend: options.backend,
    };
    const printer = progressPrinter();
    // Loaded here, not at the top: playwright-core takes a while to import, and argument errors
    // should come back at once.
    const { runInBrowser } = await import('./browser_run.mjs');
    const outcome = await runInBrowser({
      appUrl: server.url,
      modelUrl,
      request,
      media,
      onEvent: (event) => {
        const line = printer(event, performance.now() / 1000);
        if (line) log(line);
      },
    });
    if (!outcome.ok) {
      log(`${outcome.message}${outcome.detail ? ` (${outcome.detail})` : ''}`);
      return INPUT_ERRORS.has(outcome.code) ? 2 : 1;
    }
    writeFileSync(output, outcome.mp4);
    process.stdout.write(`${summaryLine({ ...outcome, output: options.output, seed: options.seed, seconds: (performance.now() - started) / 1000 })}\n`);
    return 0;
  } finally {
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError) {
      log(`${error.message}\nRun npm run generate -- --help for the options.`);
      process.exit(2);
    }
    log(`zoetrope: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
