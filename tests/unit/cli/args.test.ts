import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseArgs, UsageError } from '../../../src/cli/args.mjs';
import { requestLimits } from '../../../src/worker/request_check.mjs';

const tiny = requestLimits(JSON.parse(readFileSync('models/configs/tiny-test.json', 'utf8')));

const noRandom = () => {
  throw new Error('randomSeed must not be called when --seed is given');
};

function usageError(argv: string[], limits = tiny): string {
  try {
    parseArgs(argv, () => 1, limits);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('parseArgs', () => {
  it('reads the documented example', () => {
    expect(parseArgs(['a red ball bounces', '--seconds', '4', '--seed', '7', '--aspect', '16:9', '-o', 'out.mp4'], noRandom, tiny)).toEqual({
      help: false, prompt: 'a red ball bounces', seconds: 4, seed: 7, seedGiven: true, aspect: '16:9', steps: undefined,
      backend: 'auto', model: undefined, image: undefined, output: 'out.mp4', edit: null,
      // The request as the engine gets it: the model's short side for the aspect (the CLI has no resolution option).
      request: { prompt: 'a red ball bounces', seed: 7, durationSeconds: 4, aspect: '16:9', shortSide: 64, backend: 'auto' },
    });
  });

  it('takes --flag=value, options before the prompt, and the rest', () => {
    const options = parseArgs(['--backend=wasm', '--steps', '2', '--model', 'models/x', '--image=first.png', '--output=a.mp4', 'a cat', '--seconds=1.5'], () => 1);
    expect(options).toMatchObject({ prompt: 'a cat', backend: 'wasm', steps: 2, model: 'models/x', image: 'first.png', output: 'a.mp4', seconds: 1.5 });
  });

  it('defaults: 4 s, 16:9, auto backend, a random seed named in the output file', () => {
    expect(parseArgs(['a cat'], () => 123)).toMatchObject({ seconds: 4, aspect: '16:9', backend: 'auto', seed: 123, seedGiven: false, output: 'zoetrope-123.mp4' });
  });

  it('a prompt that starts with a dash can follow --', () => {
    expect(parseArgs(['--seed', '1', '--', '-a dash first'], noRandom).prompt).toBe('-a dash first');
  });

  it('--help wins over everything else', () => {
    expect(parseArgs(['--bogus', '-h'], noRandom).help).toBe(true);
    expect(parseArgs(['--help'], noRandom).help).toBe(true);
  });

  it.each([
    [['a cat', '--fps', '8'], 'Unknown option --fps. Run with --help to see the options.'],
    [['--seed', '1'], 'Give a prompt, e.g. npm run generate -- "a red ball bounces".'],
    [['  '], 'Give a prompt'],
    [['a', 'red', 'ball'], 'Give the prompt as one quoted argument (got 3 words: "a" "red" "ball").'],
    [['a cat', '--seconds', '0'], '--seconds must be a number of seconds from 1/8 (one frame at tiny-test\'s 8 fps) to 60 (got 0).'],
    [['a cat', '--seconds', '0.1'], '--seconds must be a number of seconds from 1/8'],
    [['a cat', '--seconds', '61'], '--seconds must be a number of seconds from 1/8 (one frame at tiny-test\'s 8 fps) to 60 (got 61).'],
    [['a cat', '--seconds', 'four'], '(got "four")'],
    [['a cat', '--seconds', '1e1'], '(got "1e1")'],
    [['a cat', '--seed', '-1'], '--seed must be a whole number from 0 to 4294967295 (got "-1").'],
    [['a cat', '--seed', '1.5'], '--seed must be a whole number'],
    [['a cat', '--seed', '4294967296'], '--seed must be a whole number'],
    [['a cat', '--aspect', '4:3'], '--aspect must be one of 16:9, 1:1, 9:16 (what tiny-test makes) (got "4:3").'],
    [['a cat', '--backend', 'cuda'], '--backend must be one of auto, webgpu, wasm (got "cuda").'],
    [['a cat', '--steps', '0'], '--steps must be a whole number from 1 to 50 (got 0).'],
    [['a cat', '--steps', '51'], '--steps must be a whole number from 1 to 50 (got 51).'],
    [['a go\u200Bre scene'], 'This prompt was refused: it asks for graphic gore ("gore").'],
    [['a <b>cat</b>'], 'The prompt contains markup'],
    [['a cat', '-o'], '-o needs a value.'],
    [['a cat', '--output='], '--output needs a non-empty value.'],
    [['a cat', '--seed', '1', '--seed', '2'], '--seed is given twice.'],
  ])('refuses %j', (argv, message) => {
    expect(usageError(argv)).toContain(message);
  });

  it('names every problem at once, one a line', () => {
    expect(usageError(['a cat', '--steps', '0', '--seed', 'x', '--aspect', '4:3']).split('\n')).toEqual([
      '--seed must be a whole number from 0 to 4294967295 (got "x").',
      '--steps must be a whole number from 1 to 50 (got 0).',
      '--aspect must be one of 16:9, 1:1, 9:16 (what tiny-test makes) (got "4:3").',
    ]);
  });

  it('sends the prompt as every check read it, and takes a fraction of a second down to one frame', () => {
    expect(parseArgs(['a\u200B red\tball', '--seconds', '0.125'], () => 1, tiny).request).toMatchObject({ prompt: 'a red ball', durationSeconds: 0.125 });
  });
});
