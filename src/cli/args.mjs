// @ts-check
// The command line's arguments: parsed and checked here, before anything is built or launched,
// so a mistake costs no time and gets a message that says what to type instead. The values go
// through the same request check as the app's form, share links and engine (request_check.mjs),
// the prompt filter included; generate.mjs checks them again against the chosen model's limits.
import { readFileSync } from 'node:fs';
import { normalizePrompt } from '../model/prompt_text.mjs';
import { ANY_MODEL, decimalFromText, MAX_STEPS, MIN_STEPS, requestProblems } from '../worker/request_check.mjs';
import { parseStoryboardText } from '../worker/storyboard.mjs';
import { editFromArgs, titleFromArg } from './edit_args.mjs';

/** A storyboard's last segment, when nothing says when it ends (--at, or a file line without an end). */
export const DEFAULT_LAST_SEGMENT_SECONDS = 4;

export const USAGE = `Usage: npm run generate -- "<prompt>" [options]
       npm run generate -- --storyboard <file.txt> [options]
       npm run generate -- --at 0 "<prompt>" --at 4 "<prompt>" … [options]

Makes a video clip from a prompt, or from a storyboard of timed prompts, with the Zoetrope app in
headless Chromium and writes an MP4.

Options:
  --seconds <n>             clip length in seconds, from one frame (1/8 s on tiny-test) to 60 (default 4)
  --seed <0-4294967295>     noise seed; the same seed, prompt, settings, model and backend give the same clip (default: random)
  --aspect <16:9|1:1|9:16>  aspect ratio (default 16:9)
  --steps <${MIN_STEPS}-${MAX_STEPS}>            sampler steps (default: the model's own)
  --backend <auto|webgpu|wasm>
                            where the model runs (default auto: WASM on a software GPU or no GPU, else WebGPU)
  --model <url or path>     a model's manifest.json (default: the bundled model)
  --image <file>            a first frame to start from (image-to-video)
  --end-image <file>        a last frame to end on (with --image: the frames in between)
  --extend <file.mp4>       a clip made by this model (same aspect) to continue; the output is it plus --seconds of new frames
  --storyboard <file.txt>   a storyboard: one segment a line, "0–4 s: a red ball rolls right", "4–8 s: it bounces"
                            (# starts a comment); the last segment's end is the clip's length unless --seconds gives it
  --at <seconds> "<prompt>" a storyboard segment starting at <seconds>; repeat it, in order, from --at 0; the last one
                            runs to --seconds (default: ${DEFAULT_LAST_SEGMENT_SECONDS} s after it starts)
  --title "<from>–<to> s: <text>"
                            a title drawn into the frames, white at the bottom; repeat it for more
  --trim <start>-<end>      keep only these seconds of the clip
  --crossfade <seconds>     with a storyboard: a crossfade of this length at every cut instead of a plain cut
  -o, --output <file.mp4>   where to write the clip (default zoetrope-<seed>.mp4)
  -h, --help                this text

Exit status: 0 done; 1 generation failed (no backend can run, model or browser problem), or the MP4 could not be
written at the end (it is then saved in the temporary folder, and the message says where); 2 bad arguments,
an output that cannot be written, or a refused prompt (all found before any work).`;

export class UsageError extends Error {
  /** @override */
  name = 'UsageError';
}

/**
 * @typedef {import('../worker/request_check.mjs').RequestLimits} RequestLimits
 * @typedef {import('../worker/storyboard.mjs').StoryboardSegment} StoryboardSegment
 * @typedef {{ prompt: string, seed: number, durationSeconds: number, aspect: CliOptions['aspect'], shortSide: number,
 *   steps?: number, backend: CliOptions['backend'], storyboard?: StoryboardSegment[] }} CliRequest
 */

/**
 * @typedef {object} CliOptions
 * @property {string} prompt As given; `request` has it normalised.
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
 * @property {StoryboardSegment[] | undefined} storyboard From --storyboard or --at; then `prompt` is its first segment's.
 * @property {import('./edit_args.mjs').CliEdit | null} edit --title, --trim, --crossfade: run on the generated clip.
 * @property {string} output
 * @property {boolean} help
 */

/** How the request check's messages name each value here. */
const FLAG_NAMES = { durationSeconds: '--seconds', seed: '--seed', steps: '--steps', aspect: '--aspect', backend: '--backend' };
/** Flags that take a value, by every name they answer to. */
const VALUE_FLAGS = new Map([
  ['--seconds', 'seconds'], ['--seed', 'seed'], ['--aspect', 'aspect'], ['--steps', 'steps'], ['--backend', 'backend'],
  ['--model', 'model'], ['--image', 'image'], ['--end-image', 'endImage'], ['--extend', 'extend'], ['--output', 'output'], ['-o', 'output'],
  ['--storyboard', 'storyboard'], ['--trim', 'trim'], ['--crossfade', 'crossfade'],
]);

/**
 * Parses the arguments after `npm run generate --` and checks the request they make against
 * `limits` (by default what any model could make). `randomSeed` is called only when no --seed is given.
 * @param {readonly string[]} argv
 * @param {() => number} randomSeed
 * @param {RequestLimits} [limits]
 * @param {(path: string) => string} [readText] reads the --storyboard file
 * @returns {CliOptions & { request: CliRequest }}
 */
export function parseArgs(argv, randomSeed, limits = ANY_MODEL, readText = (path) => readFileSync(path, 'utf8')) {
  const beforeDashes = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeDashes.includes('-h') || beforeDashes.includes('--help')) {
    return { help: true, prompt: '', seconds: 4, seed: 0, seedGiven: false, aspect: '16:9', steps: undefined, backend: 'auto',
      model: undefined, image: undefined, endImage: undefined, extend: undefined, storyboard: undefined, edit: null, output: '',
      request: { prompt: '', seed: 0, durationSeconds: 4, aspect: '16:9', shortSide: 0, backend: 'auto' } };
  }
  /** @type {Record<string, string>} */
  const values = {};
  /** @type {string[]} */
  const positional = [];
  /** @type {{ at: number | string, prompt: string }[]} */
  const atSegments = [];
  /** @type {import('./edit_args.mjs').Title[]} */
  const titles = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === '--at') {
      // Two values: the start and the prompt. Numbers from plain decimal text; other text is
      // refused by the storyboard check, which shows it.
      const [at, prompt] = [argv[i + 1], argv[i + 2]];
      if (at === undefined || prompt === undefined) throw new UsageError('--at needs a time and a prompt, e.g. --at 4 "it bounces on a sunset".');
      atSegments.push({ at: decimalFromText(at), prompt: normalizePrompt(prompt) });
      i += 2;
      continue;
    }
    if (arg === '--title') {
      const value = argv[++i];
      if (value === undefined) throw new UsageError('--title needs a value, e.g. --title "0–2 s: The end".');
      titles.push(titleFromArg(value, (message) => new UsageError(message)));
      continue;
    }
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
  if (values.storyboard !== undefined && atSegments.length > 0) throw new UsageError('Give the storyboard either as a file (--storyboard) or with --at, not both.');
  const storyboarded = values.storyboard !== undefined || atSegments.length > 0;
  if (storyboarded && positional.length > 0) {
    throw new UsageError(`A storyboard has a prompt for each segment: give either a prompt or a storyboard, not both (got the prompt "${positional[0]}").`);
  }
  if (!storyboarded && (positional.length === 0 || positional[0]?.trim() === '')) throw new UsageError('Give a prompt, e.g. npm run generate -- "a red ball bounces".');
  if (positional.length > 1) {
    throw new UsageError(`Give the prompt as one quoted argument (got ${positional.length} words: ${positional.map((p) => `"${p}"`).join(' ')}).`);
  }
  for (const [flag, name] of VALUE_FLAGS) {
    if (values[name]?.trim() === '') throw new UsageError(`${flag} needs a non-empty value.`);
  }
  // Numbers from plain decimal text only; other text reaches the check as it is and is refused there.
  const board = values.storyboard !== undefined ? storyboardFile(values.storyboard, readText) : atSegments.length > 0 ? { segments: atSegments, endSeconds: null } : null;
  const seconds = storyboardSeconds(values.seconds === undefined ? undefined : decimalFromText(values.seconds), board);
  const seedGiven = values.seed !== undefined;
  const seed = values.seed === undefined ? randomSeed() : decimalFromText(values.seed);
  const steps = values.steps === undefined ? undefined : decimalFromText(values.steps);
  const options = {
    help: false,
    prompt: board ? String(board.segments[0]?.prompt ?? '') : /** @type {string} */ (positional[0]),
    seconds,
    seed,
    seedGiven,
    aspect: values.aspect ?? '16:9',
    steps,
    backend: values.backend ?? 'auto',
    model: values.model,
    image: values.image,
    endImage: values.endImage,
    extend: values.extend,
    storyboard: board?.segments,
    edit: typeof seconds === 'number'
      ? editFromArgs({ titles, trim: values.trim, crossfade: values.crossfade }, board ? board.segments.map((s) => /** @type {number} */ (s.at)) : null, seconds, (message) => new UsageError(message))
      : null,
    output: values.output ?? `zoetrope-${seed}.mp4`,
  };
  const request = requestFor(/** @type {CliOptions} */ (options), limits);
  return { .../** @type {CliOptions} */ (options), request };
}

/**
 * The request the options make for a model with `limits` (the short side is that model's for the
 * aspect ratio: the CLI has no resolution option), or a UsageError with every problem, one a line.
 * @param {CliOptions} options
 * @param {RequestLimits} limits
 * @returns {CliRequest}
 */
export function requestFor(options, limits) {
  const request = {
    prompt: options.prompt,
    seed: options.seed,
    durationSeconds: options.seconds,
    aspect: options.aspect,
    shortSide: limits.shortSides[options.aspect]?.[0] ?? 0,
    ...(options.steps !== undefined && { steps: options.steps }),
    backend: options.backend,
    ...(options.storyboard && { storyboard: options.storyboard }),
  };
  const problems = requestProblems(request, limits, FLAG_NAMES);
  if (problems.length > 0) throw new UsageError(problems.map((p) => p.message).join('\n'));
  return { ...request, prompt: normalizePrompt(request.prompt) };
}

/**
 * The segments of a --storyboard file, or a UsageError naming the file and every problem.
 * @param {string} path
 * @param {(path: string) => string} readText
 * @returns {{ segments: { at: number | string, prompt: string }[], endSeconds: number | null }}
 */
function storyboardFile(path, readText) {
  let text;
  try {
    text = readText(path);
  } catch (error) {
    throw new UsageError(`--storyboard ${path}: the file could not be read (${error instanceof Error ? error.message : String(error)}).`);
  }
  const parsed = parseStoryboardText(text);
  if (!parsed.ok) throw new UsageError(`--storyboard ${path}:\n${parsed.errors.join('\n')}`);
  return parsed.storyboard;
}

/**
 * The clip's length: --seconds; else the storyboard's last end, or 4 s after its last segment
 * starts; else 4 s. A --seconds that disagrees with the file's own last end is a mistake to name.
 * @param {number | string | undefined} given
 * @param {{ segments: { at: number | string }[], endSeconds: number | null } | null} board
 * @returns {number | string}
 */
function storyboardSeconds(given, board) {
  if (!board) return given ?? 4;
  if (given !== undefined && board.endSeconds !== null && given !== board.endSeconds) {
    throw new UsageError(`--seconds ${given} disagrees with the storyboard, whose last segment ends at ${board.endSeconds} s: give one of them.`);
  }
  if (given !== undefined) return given;
  if (board.endSeconds !== null) return board.endSeconds;
  const last = board.segments.at(-1)?.at;
  return typeof last === 'number' ? last + DEFAULT_LAST_SEGMENT_SECONDS : DEFAULT_LAST_SEGMENT_SECONDS;
}
