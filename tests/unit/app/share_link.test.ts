import { describe, expect, it } from 'vitest';
import type { ClipSettings } from '../../../src/app/clip_settings.ts';
import { decodeShareLink, encodeShareLink, looksLikeShareLink, MAX_FRAGMENT_CHARS, modelMismatch, type SharedClip } from '../../../src/app/share_link.ts';

const settings: ClipSettings = {
  prompt: 'a red ball bounces on a sunset sky & more: 100% “quoted”',
  durationSeconds: 12,
  aspect: '9:16',
  shortSide: 256,
  style: 'neon glow',
  seed: 4294967295,
  steps: 4,
  guidance: null,
};
const shared: SharedClip = { settings, model: { name: 'zoetrope-s', version: '1.2' } };

function fragmentOf(link: string): string {
  return new URL(link).hash;
}

/** A valid fragment with some fields replaced (null removes one). */
function fragmentWith(changes: Record<string, string | null>): string {
  const params = new URLSearchParams(fragmentOf(encodeShareLink('https://example.org/', shared)).slice(1));
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) params.delete(key);
    else params.set(key, value);
  }
  return `#${params.toString()}`;
}

function errorsOf(fragment: string): string[] {
  const result = decodeShareLink(fragment);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe('share links', () => {
  it('round-trip every setting, the seed and the model through the fragment only', () => {
    const link = encodeShareLink('https://zoetrope.example/app/?x=1#old', shared);
    expect(link.startsWith('https://zoetrope.example/app/?x=1#v=1&')).toBe(true);
    expect(looksLikeShareLink(fragmentOf(link))).toBe(true);
    expect(decodeShareLink(fragmentOf(link))).toEqual({ ok: true, shared });
  });

  it('carry guidance for models that have it', () => {
    const withGuidance = { ...shared, settings: { ...settings, guidance: 5.5 } };
    const result = decodeShareLink(fragmentOf(encodeShareLink('https://e.org/', withGuidance)));
    expect(result).toEqual({ ok: true, shared: withGuidance });
  });

  it('reject markup and control characters in the prompt', () => {
    expect(errorsOf(fragmentWith({ p: '<script>alert(1)</script>' }))[0]).toMatch(/markup or control characters/);
    expect(errorsOf(fragmentWith({ p: 'a ball<img src=x onerror=alert(1)>' }))[0]).toMatch(/markup/);
    expect(errorsOf(fragmentWith({ p: 'a ball\u0000' }))[0]).toMatch(/control characters/);
    expect(errorsOf(fragmentWith({ p: '   ' }))[0]).toBe('Type a prompt describing the clip first.');
    expect(errorsOf(fragmentWith({ p: '\u200B\u2060' }))[0]).toBe('Type a prompt describing the clip first.');
  });

  it('reject huge values: a long prompt, a long fragment, many digits', () => {
    // The limit is on the prompt the engine gets: the style word (", neon glow") counts.
    expect(errorsOf(fragmentWith({ p: 'a'.repeat(501) }))[0]).toBe('The prompt is too long (512 characters; at most 500).');
    expect(errorsOf(fragmentWith({ p: 'a'.repeat(501), st: 'none' }))[0]).toBe('The prompt is too long (501 characters; at most 500).');
    expect(errorsOf(`#v=1&p=${'a'.repeat(MAX_FRAGMENT_CHARS)}`)[0]).toMatch(/link is too long/);
    expect(errorsOf(fragmentWith({ s: '99999999999999999999' }))[0]).toBe('The seed must be a whole number from 0 to 4294967295 (got "99999999999999999999").');
    expect(errorsOf(fragmentWith({ s: '4294967296' }))[0]).toMatch(/seed/);
  });

  it.each([
    ['d', '0'], ['d', '61'], ['d', '60.5'], ['d', '-3'], ['d', '1e1'], ['d', '0x10'], ['d', ' 4'], ['d', 'NaN'], ['d', 'Infinity'], ['d', ''],
    ['n', '0'], ['n', '51'], ['n', '4.5'], ['s', '-1'], ['s', '1.5'], ['r', '300'], ['r', '2560'], ['g', '21'], ['g', '-1'], ['g', '1e3'], ['g', 'NaN'],
  ])('reject a bad number: %s=%s', (key, value) => {
    const errors = errorsOf(fragmentWith({ [key]: value }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/must be .*\(got /);
  });

  it('take what the form takes: a fraction of a second (the CLI makes such clips), 50 steps', () => {
    const result = decodeShareLink(fragmentWith({ d: '1.5', n: '50' }));
    expect(result.ok && result.shared.settings).toMatchObject({ durationSeconds: 1.5, steps: 50 });
  });

  it('reject aspects, styles and model names outside the schema', () => {
    expect(errorsOf(fragmentWith({ a: '21:9' }))[0]).toBe('The aspect ratio must be one of 16:9, 1:1, 9:16 (got "21:9").');
    expect(errorsOf(fragmentWith({ st: 'watercolour' }))[0]).toMatch(/style must be one of none, .* \(got "watercolour"\)/);
    expect(errorsOf(fragmentWith({ m: '../../etc/passwd' }))[0]).toMatch(/model name/);
    expect(errorsOf(fragmentWith({ m: 'zoetrope s' }))[0]).toMatch(/model name/);
    expect(errorsOf(fragmentWith({ mv: '<b>1</b>' }))[0]).toMatch(/model version/);
  });

  it('reject prototype-pollution keys and unknown or repeated fields, and touch no prototype', () => {
    const hostile = `${fragmentWith({})}&__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__=x`;
    const errors = errorsOf(hostile);
    expect(errors).toEqual([
      'The link has 3 fields this app does not use (“__proto__[polluted]”, “constructor[prototype][p…” and “__proto__”).',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(errorsOf(`${fragmentWith({})}&s=1`)).toEqual(['The link gives the seed more than once.']);
  });

  it('reject a missing field, an unknown version, and report every problem at once', () => {
    expect(errorsOf(fragmentWith({ s: null }))).toEqual(['The link has no seed.']);
    expect(errorsOf(fragmentWith({ v: '2' }))[0]).toMatch(/version “2”, which this app cannot read/);
    expect(errorsOf(fragmentWith({ d: '99', a: 'x', n: '0' }))).toHaveLength(3);
  });

  it('give one line per kind of problem however many fields have it, not one per repeat (a flood of keys)', () => {
    expect(errorsOf(`${fragmentWith({})}${'&s=1'.repeat(990)}`)).toEqual(['The link gives the seed more than once.']);
    expect(errorsOf(`${fragmentWith({})}${'&s=1&n=2&p=x'.repeat(300)}`)).toEqual(['The link gives the seed, steps and prompt more than once.']);
    expect(errorsOf(`#${'seed=1&'.repeat(990)}`)).toEqual([
      'The link has a field this app does not use (“seed”).',
      'The link has no link version, prompt, duration, aspect ratio, resolution, style, seed, steps, model name and model version.',
    ]);
    const distinct = Array.from({ length: 990 }, (_, i) => `k${i}=1`).join('&');
    expect(errorsOf(`${fragmentWith({})}&${distinct}`)).toEqual(['The link has 990 fields this app does not use (“k0”, “k1”, “k2”, “k3”, “k4” and 985 more).']);
  });

  it('echo untrusted values shortened, so a huge value cannot flood the page', () => {
    const [error] = errorsOf(fragmentWith({ st: 'x'.repeat(300) }));
    expect(error!.length).toBeLessThan(200);
  });

  it('are recognised only by their v= prefix', () => {
    expect(looksLikeShareLink('')).toBe(false);
    expect(looksLikeShareLink('#section-2')).toBe(false);
    expect(looksLikeShareLink('#v=1&p=a')).toBe(true);
  });

  it('say so when they were made with another model or version', () => {
    expect(modelMismatch({ name: 'tiny-test', version: '1' }, { name: 'tiny-test', version: '1' })).toBeNull();
    expect(modelMismatch({ name: 'tiny-test', version: '2' }, { name: 'tiny-test', version: '1' })).toMatch(/version 2 of tiny-test; this page runs tiny-test version 1/);
    expect(modelMismatch({ name: 'zoetrope-s', version: '1' }, { name: 'tiny-test', version: '1' })).toMatch(/the model zoetrope-s \(version 1\)/);
  });
});
