import { describe, expect, it } from 'vitest';
import type { TestPatternRequest } from '../../../src/worker/api.ts';
import { EngineError } from '../../../src/worker/errors.ts';
import { validateGenerate, validateTestPattern } from '../../../src/worker/validate.ts';

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
});
