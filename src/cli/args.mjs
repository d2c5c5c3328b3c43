// @ts-check
// The command line's arguments: parsed and checked here, before anything is built or launched,
// so a mistake costs no time and gets a message that says what to type instead.

export const USAGE = `Usage: npm run generate -- "<prompt>" [options]

Makes a video clip from a prompt with the Zoetrope app in headless Chromium and writes an MP4.

Options:
  --seconds <1-60>          clip length in seconds (default 4)
  --seed <0-4294967295>     noise seed; the same seed, prompt, settings, model and backend give the same clip (default: random)
  --aspect <16:9|1:1|9:16>  aspect ratio (default 16:9)
  --steps <1-100>           sampler steps (default: the model's own)
  --backend <auto|webgpu|wasm>
                            where the model runs (default auto: WASM on a software GPU or no GPU, else WebGPU)
  --model <url or path>     a model's manifest.json (default: the bundled model)
  --image <file>            a first frame to start from (image-to-video)
  --end-image <file>        a last frame to end on (with --image: the frames in between)
  --extend <file.mp4>       a clip made by this model (same aspect) to continue; the output is it plus --seconds of new frames
  -o, --output <file.mp4>   where to write the clip (default zoetrope-<seed>.mp4)
  -h, --help                this text

Exit status: 0 done, 1 generation failed (no backend can run, model or browser problem), 2 bad arguments or refused prompt.`;

export class UsageError extends Error {
  /** @override */
  name = 'UsageError';
}

/**
 * @typedef {object} CliOptions
 * @property {string} prompt
 * @property {number} seconds
 * @property {number} seed
 * @property {boolean} seedGiven
 * @property {'16:9' | '1:1' | '9:16'} aspect
 * @property {number | undefined} steps
 * @property {'auto' | 'webgpu' | 'wasm'} backend
 * @property {string | undefined} model
 * @property {string | undefined} image
 * @property {string | undefined} endImage
 * @property {string | undefined} extend
 * @property {string} output
 * @property {boolean} help
 */

const ASPECTS = ['16:9', '1:1', '9:16'];
const BACKENDS = ['auto', 'webgpu', 'wasm'];
/** Flags that take a value, by every name they answer to. */
const VALUE_FLAGS = new Map([
  ['--seconds', 'seconds'], ['--seed', 'seed'], ['--aspect', 'aspect'], ['--steps', 'steps'], ['--backend', 'backend'],
  ['--model', 'model'], ['--image', 'image'], ['--end-image', 'endImage'], ['--extend', 'extend'], ['--output', 'output'], ['-o', 'output'],
]);

/**
 * @param {string} flag
 * @param {string} text
 * @param {number} min
 * @param {number} max
 * @param {boolean} whole
 */
function numberIn(flag, text, min, max, whole) {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (whole && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`${flag} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max} (got "${text}").`);
  }
  return value;
}

/**
 * Parses the arguments after `npm run generate --`. `randomSeed` is called only when no --seed is given.
 * @param {readonly string[]} argv
 * @param {() => number} randomSeed
 * @returns {CliOptions}
 */
export function parseArgs(argv, randomSeed) {
  const beforeDashes = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeDashes.includes('-h') || beforeDashes.includes('--help')) {
    return { help: true, prompt: '', seconds: 4, seed: 0, seedGiven: false, aspect: '16:9', steps: undefined, backend: 'auto',
      model: undefined, image: undefined, endImage: undefined, extend: undefined, output: '' };
  }
  /** @type {Record<string, string>} */
  const values = {};
  /** @type {string[]} */
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = VALUE_FLAGS.get(flag);
    if (!name) throw new UsageError(`Unknown option ${flag}. Run with --help to see the options.`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value.`);
    if (name in values) throw new UsageError(`${flag} is given twice.`);
    values[name] = value;
  }
  if (positional.length === 0 || positional[0]?.trim() === '') throw new UsageError('Give a prompt, e.g. npm run generate -- "a red ball bounces".');
  if (positional.length > 1) {
    throw new UsageError(`Give the prompt as one quoted argument (got ${positional.length} words: ${positional.map((p) => `"${p}"`).join(' ')}).`);
  }
  const seconds = values.seconds === undefined ? 4 : numberIn('--seconds', values.seconds, 1, 60, false);
  const seedGiven = values.seed !== undefined;
  const seed = values.seed === undefined ? randomSeed() : numberIn('--seed', values.seed, 0, 2 ** 32 - 1, true);
  const aspect = values.aspect ?? '16:9';
  if (!ASPECTS.includes(aspect)) throw new UsageError(`--aspect must be one of ${ASPECTS.join(', ')} (got "${aspect}").`);
  const backend = values.backend ?? 'auto';
  if (!BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')} (got "${backend}").`);
  const steps = values.steps === undefined ? undefined : numberIn('--steps', values.steps, 1, 100, true);
  for (const [flag, name] of VALUE_FLAGS) {
    if (values[name]?.trim() === '') throw new UsageError(`${flag} needs a non-empty value.`);
  }
  return {
    help: false,
    prompt: /** @type {string} */ (positional[0]),
    seconds,
    seed,
    seedGiven,
    aspect: /** @type {CliOptions['aspect']} */ (aspect),
    steps,
    backend: /** @type {CliOptions['backend']} */ (backend),
    model: values.model,
    image: values.image,
    endImage: values.endImage,
    extend: values.extend,
    output: values.output ?? `zoetrope-${seed}.mp4`,
  };
}
