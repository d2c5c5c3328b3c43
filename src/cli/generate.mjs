// @ts-check
// `npm run generate -- "a red ball bounces" --seconds 4 --seed 7 --aspect 16:9 -o out.mp4`
//
// Builds the app if needed, serves it on 127.0.0.1, runs it in headless Chromium, prints progress
// to stderr and writes the MP4. Usage and exit codes: args.mjs; README's "Command line".
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestLimits } from '../worker/request_check.mjs';
import { ensureBuilt } from './app_build.mjs';
import { parseArgs, requestFor, UsageError, USAGE } from './args.mjs';
import { checkOutput, saveClip } from './output_file.mjs';
import { progressPrinter, summaryLine } from './report.mjs';
import { serveStatic } from './static_server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APP_DIR = join(ROOT, '.cache', 'cli-app');
/** The app's own model (src/app/model_status.ts), which the CLI's build of the app ships too. */
const BUNDLED_MODEL = '/models/zoetrope-s/manifest.json';
/** Where a local --model folder is served, beside the app. */
const MODEL_MOUNT = '/cli-model/';
/** Engine errors that mean "the input was wrong", as opposed to "the run failed". */
const INPUT_ERRORS = new Set(['bad-request', 'prompt-refused']);

/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);

/**
 * The manifest URL the page loads, and the folder to serve for it when it is a local path (then
 * `file` is the manifest on disk).
 * @param {string | undefined} model
 * @returns {{ path: string, file: string, mounts: Record<string, string> } | { url: string, mounts: Record<string, string> }}
 */
function modelSource(model) {
  if (!model) return { path: BUNDLED_MODEL, file: join(ROOT, BUNDLED_MODEL), mounts: {} };
  if (/^https?:\/\//.test(model)) return { url: model, mounts: {} };
  const given = resolve(model);
  const manifest = existsSync(given) && statSync(given).isDirectory() ? join(given, 'manifest.json') : given;
  if (!existsSync(manifest)) throw new UsageError(`--model ${model}: there is no ${manifest}.`);
  return { path: `${MODEL_MOUNT}${basename(manifest)}`, file: manifest, mounts: { [MODEL_MOUNT]: dirname(manifest) } };
}

/**
 * The model's config, from its manifest (which embeds it), so the request is checked against what
 * that model makes before anything is built. A local manifest that cannot be read is a bad
 * --model (exit 2); a remote one that cannot be fetched is a model that did not load (exit 1).
 * @param {ReturnType<typeof modelSource>} source
 * @returns {Promise<import('../worker/request_check.mjs').LimitsConfig>}
 */
async function modelConfig(source) {
  /** @param {unknown} manifest */
  const configOf = (manifest) => /** @type {{ config?: unknown }} */ (manifest)?.config;
  if ('file' in source) {
    let config;
    try {
      config = configOf(JSON.parse(readFileSync(source.file, 'utf8')));
    } catch (error) {
      throw new UsageError(`--model: ${source.file} is not a model manifest (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (typeof config !== 'object' || config === null) throw new UsageError(`--model: ${source.file} has no "config".`);
    return config;
  }
  const response = await fetch(source.url).catch((/** @type {Error} */ error) => {
    throw new Error(`the model's manifest ${source.url} could not be fetched (${error.message})`);
  });
  if (!response.ok) throw new Error(`the model's manifest ${source.url} could not be fetched (HTTP ${response.status})`);
  const config = configOf(await response.json().catch(() => null));
  if (typeof config !== 'object' || config === null) throw new Error(`${source.url} is not a model manifest (it has no "config")`);
  return config;
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
  // Everything that can be wrong with the arguments is found here, before any build or browser.
  const output = checkOutput(options.output);
  const source = modelSource(options.model);
  const request = requestFor(options, requestLimits(await modelConfig(source)));
  const media = givenMedia(options);

  const started = performance.now();
  if (ensureBuilt(ROOT, APP_DIR, log)) log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const server = await serveStatic(APP_DIR, source.mounts);
  try {
    const modelUrl = 'url' in source ? source.url : `${server.url}${source.path}`;
    const printer = progressPrinter();
    // Loaded here, not at the top: playwright-core takes a while to import, and argument errors
    // should come back at once.
    const { runInBrowser } = await import('./browser_run.mjs');
    const outcome = await runInBrowser({
      appUrl: server.url,
      modelUrl,
      request,
      media,
      edit: options.edit,
      onEvent: (event) => {
        const line = printer(event, performance.now() / 1000);
        if (line) log(line);
      },
    });
    if (!outcome.ok) {
      log(`${outcome.message}${outcome.detail ? ` (${outcome.detail})` : ''}`);
      return INPUT_ERRORS.has(outcome.code) ? 2 : 1;
    }
    // The output was writable when the run began; if it no longer is, the clip is kept anyway.
    const saved = saveClip(output, outcome.mp4);
    const written = saved.failure ? saved.path : options.output;
    process.stdout.write(`${summaryLine({ ...outcome, output: written, seed: options.seed, seconds: (performance.now() - started) / 1000 })}\n`);
    if (!saved.failure) return 0;
    log(`Could not write ${options.output} (${saved.failure}), so the clip was saved at ${saved.path} instead.`);
    return 1;
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
