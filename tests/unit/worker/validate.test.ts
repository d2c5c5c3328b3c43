import { describe, expect, it } from 'vitest';
import type { TestPatternRequest } from '../../../src/worker/api.ts';
import { EngineError } from '../../../src/worker/errors.ts';
import { validateGenerate, validateTestPattern } from '../../../src/worker/validate.ts';
import { requestLimits } from '../../../src/worker/request_check.mjs';
import { readFileSync } from 'node:fs';

const ok: TestPatternRequest = { width: 256, height: 144, fps: 8, frameCount: 16, source: 'gpu' };

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    return e instanceof EngineError ? e.code : 'not an EngineError';
  }
}

describe('validateTestPattern', () => {
  it('accepts a sensible request', () => {
    expect(codeOf(() => validateTestPattern(ok))).toBeUndefined();
  });

  it.each([
    ['odd width', { width: 255 }],
    ['tiny height', { height: 8 }],
    ['huge width', { width: 8192 }],
    ['fractional fps', { fps: 7.5 }],
    ['no frames', { frameCount: 0 }],
    ['over a minute', { fps: 8, frameCount: 8 * 60 + 1 }],
    ['unknown source', { source: 'disk' as 'gpu' }],
  ])('rejects %s as a bad request', (_, change) => {
    expect(codeOf(() => validateTestPattern({ ...ok, ...change }))).toBe('bad-request');
  });
});

describe('validateGenerate', () => {
  const request = { prompt: 'a red ball', seed: 1, durationSeconds: 4, aspect: '1:1' as const, shortSide: 256 };

  it('asks for a prompt when it is blank', () => {
    expect(() => validateGenerate({ ...request, prompt: '   ' })).toThrow('Type a prompt');
  });

  it('rejects durations outside (0, 60] and seeds outside 32 bits', () => {
    expect(codeOf(() => validateGenerate({ ...request, durationSeconds: 61 }))).toBe('bad-request');
    expect(codeOf(() => validateGenerate({ ...request, durationSeconds: 0 }))).toBe('bad-request');
    expect(codeOf(() => validateGenerate({ ...request, seed: 2 ** 32 }))).toBe('bad-request');
    expect(codeOf(() => validateGenerate(request))).toBeUndefined();
  });

  it('refuses the steps the sampler cannot take, as a bad request rather than an unexpected error', () => {
    expect(codeOf(() => validateGenerate({ ...request, steps: 0 }))).toBe('bad-request');
    expect(codeOf(() => validateGenerate({ ...request, steps: 51 }))).toBe('bad-request');
    expect(codeOf(() => validateGenerate({ ...request, steps: 50 }))).toBeUndefined();
  });

  it('checks against the loaded model: its aspects, its short side, one frame at its frame rate', () => {
    const tiny = requestLimits(JSON.parse(readFileSync('models/configs/tiny-test.json', 'utf8')));
    const ok = { ...request, shortSide: 64, durationSeconds: 0.125 };
    expect(codeOf(() => validateGenerate(ok, tiny))).toBeUndefined();
    expect(() => validateGenerate({ ...ok, shortSide: 256 }, tiny)).toThrow('The resolution must be 64 px at 1:1 (what tiny-test makes) (got 256).');
    expect(() => validateGenerate({ ...ok, durationSeconds: 0.1 }, tiny)).toThrow(/one frame at tiny-test's 8 fps/);
  });

  it('gives back the request with its prompt as every check read it, and names every problem at once', () => {
    expect(validateGenerate({ ...request, prompt: ' a\u200B red\u202E ball ' }).prompt).toBe('a red ball');
    expect(() => validateGenerate({ ...request, seed: -1, steps: 0 })).toThrow(
      'The seed must be a whole number from 0 to 4294967295 (got -1). The number of steps must be a whole number from 1 to 50 (got 0).',
    );
    expect(codeOf(() => validateGenerate({ ...request, prompt: 'a gory scene', seed: -1 }))).toBe('prompt-refused');
  });
});
