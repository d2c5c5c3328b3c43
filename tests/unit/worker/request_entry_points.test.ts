// Every way a generation request gets in must accept and refuse the same requests: the create
// form's check (Generate and Ctrl/⌘ + Enter), a share link made from the settings and parsed
// back, the command line's arguments, and the engine's own validation. fast-check generates the
// requests, biased towards the edges (0 and 51 steps, one frame, 60 s, 2^32, NaN, text where a
// number goes, refused and disguised words, markup, prompts at the length limit).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateRequest, type ClipSettings } from '../../../src/app/clip_settings.ts';
import { settingsProblems, settingsToRun } from '../../../src/app/settings_check.ts';
import { decodeShareLink, encodeShareLink } from '../../../src/app/share_link.ts';
import { parseArgs, UsageError } from '../../../src/cli/args.mjs';
import type { GenerateRequest } from '../../../src/worker/api.ts';
import { EngineError } from '../../../src/worker/errors.ts';
import { requestLimits, SHORT_SIDES, type RequestLimits } from '../../../src/worker/request_check.mjs';
import { validateGenerate } from '../../../src/worker/validate.ts';

const MODELS: [string, RequestLimits][] = ['tiny-test', 'zoetrope-s'].map((name) => [
  name,
  requestLimits(JSON.parse(readFileSync(`models/configs/${name}.json`, 'utf8'))),
]);

/** Mostly values that are fine, often the edges and what is wrong: both sides of every rule get tried. */
const mostly = <T,>(fine: fc.Arbitrary<T>, edges: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fine, weight: 3 }, { arbitrary: edges, weight: 1 });

const prompt = mostly(
  fc.oneof(fc.constantFrom('a red ball bounces', 'a\u200B blue cube', 'line one\nline two', 'a'.repeat(500)), fc.stringMatching(/^[a-z]{1,12}( [a-z]{1,12}){0,5}$/)),
  fc.oneof(
    fc.constantFrom(
      'a gory battlefield', 'a go\u200Bre scene', 'ｇｏｒｅ', 'naked kids', 'a red ball <b>bold</b>', 'a cat\u0000', '', '   ',
      '\u200B\u2060', '-a prompt with a dash', 'a'.repeat(501), `${'猫'.repeat(499)}\u200Bx`, 'a \u202Ereversed\u202C ball', 'ﷺ'.repeat(28),
    ),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
  ),
);
/** The edges around a number field's limits, and what is not a number at all. */
const edges = (near: number[]) =>
  fc.oneof(fc.constantFrom(...near, 0, -1, -0, 0.5, 1.5, Number.NaN, Infinity, -Infinity, 1e-7, 1e21), fc.integer({ min: -3, max: 70 }), fc.double({ min: -5, max: 80 }));
const durationSeconds = mostly(fc.oneof(fc.integer({ min: 1, max: 60 }), fc.double({ min: 1 / 8, max: 60, noNaN: true })), edges([1 / 8, 1 / 12, 0.1, 60, 60.000001, 59.99]));
const seed = mostly(fc.integer({ min: 0, max: 2 ** 32 - 1 }), edges([2 ** 32 - 1, 2 ** 32, 4294967295.5]));
const steps = mostly<number | null>(fc.integer({ min: 1, max: 50 }), fc.oneof(edges([1, 50, 51, 100]), fc.constant(null)));
const aspect = mostly(fc.constantFrom('16:9', '1:1', '9:16'), fc.constantFrom('4:3', '', '16:9 ', '1:1\u200B'));

/** A form's settings, as the page could hold them (values unchecked), for a model with `limits`. */
function settingsArb(limits: RequestLimits) {
  return fc.record({ prompt, durationSeconds, seed, steps, aspect }).map(
    (s) =>
      ({
        ...s,
        // The model's short side for the aspect: the CLI has no resolution option, so it always sends that.
        shortSide: limits.shortSides[s.aspect]?.[0] ?? 256,
        style: 'none',
        guidance: null,
      }) as unknown as ClipSettings,
  );
}

/** Whether each entry point accepts the settings. */
function verdicts(settings: ClipSettings, limits: RequestLimits) {
  const form = settingsProblems(settingsToRun(settings), limits).length === 0;
  // The link is made from the settings a clip was made with: the form's, prompt normalised.
  const link = encodeShareLink('https://zoetrope.example/', { settings: settingsToRun(settings), model: { name: 'm', version: '1' } });
  const shared = decodeShareLink(new URL(link).hash, limits).ok;
  const argv = [`--seconds=${settings.durationSeconds}`, `--seed=${settings.seed}`, `--steps=${settings.steps}`, `--aspect=${settings.aspect}`, '--', settings.prompt];
  const cli = accepts(() => parseArgs(argv, () => 0, limits), UsageError);
  const engine = accepts(() => validateGenerate(generateRequest(settings), limits), EngineError);
  return { form, shared, cli, engine };
}

function accepts(run: () => unknown, refusal: new (...args: never[]) => Error): boolean {
  try {
    run();
    return true;
  } catch (error) {
    if (error instanceof refusal) return false;
    throw error; // anything else is a bug in the entry point, not a refusal
  }
}

describe.each(MODELS)('every entry point agrees on requests for %s', (_, limits) => {
  it('form, share link, command line and engine accept and refuse the same requests', () => {
    let accepted = 0;
    fc.assert(
      fc.property(settingsArb(limits), (settings) => {
        const v = verdicts(settings, limits);
        if (v.engine) accepted += 1;
        expect(v, JSON.stringify(settings)).toEqual({ form: v.engine, shared: v.engine, cli: v.engine, engine: v.engine });
      }),
      { numRuns: 600 },
    );
    expect(accepted).toBeGreaterThan(60); // the edges did not crowd out the requests that run
  }, 120_000); // a few seconds on an idle core

  it('form, share link and engine agree on the resolution', () => {
    fc.assert(
      fc.property(settingsArb(limits), fc.constantFrom(...SHORT_SIDES, 0, 100, 64.5, Number.NaN), (base, shortSide) => {
        const settings = { ...base, prompt: 'a red ball', durationSeconds: 1, seed: 1, steps: 2, shortSide };
        const v = verdicts(settings, limits);
        expect([v.form, v.shared], JSON.stringify(settings)).toEqual([v.engine, v.engine]);
      }),
    );
  });

  it('command line and engine agree on the backend', () => {
    fc.assert(
      fc.property(fc.constantFrom('auto', 'webgpu', 'wasm', 'cuda', 'WASM', '', ' auto', 'wasm\u200B'), (backend) => {
        const aspectOk = limits.aspects[0]!;
        const request: GenerateRequest = { prompt: 'a red ball', seed: 1, durationSeconds: 1, aspect: aspectOk as GenerateRequest['aspect'], shortSide: limits.shortSides[aspectOk]![0]!, backend: backend as 'auto' };
        const cli = accepts(() => parseArgs(['a red ball', '--seed=1', '--seconds=1', `--aspect=${aspectOk}`, `--backend=${backend}`], () => 0, limits), UsageError);
        expect(cli, backend).toBe(accepts(() => validateGenerate(request, limits), EngineError));
      }),
    );
  });
});

describe('the bug this replaces', () => {
  const [, tiny] = MODELS[0]!;
  const settings: ClipSettings = { prompt: 'a red ball', durationSeconds: 1, aspect: '16:9', shortSide: 64, style: 'none', seed: 7, steps: 4, guidance: null };

  it('steps 0 and 51 are refused everywhere with the same rule, steps 1 and 50 accepted everywhere', () => {
    for (const [stepCount, ok] of [[0, false], [51, false], [1, true], [50, true]] as const) {
      expect(verdicts({ ...settings, steps: stepCount }, tiny)).toEqual({ form: ok, shared: ok, cli: ok, engine: ok });
    }
    expect(settingsProblems({ ...settings, steps: 51 }, tiny)).toEqual(['The number of steps must be a whole number from 1 to 50 (got 51).']);
    expect(() => validateGenerate(generateRequest({ ...settings, steps: 0 }), tiny)).toThrow('The number of steps must be a whole number from 1 to 50 (got 0).');
  });
});
