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
    expect(errorsOf(fragmentWith({ p: '   ' }))[0]).toMatch(/empty prompt/);
  });

  it('reject huge values: a long prompt, a long fragment, many digits', () => {
    expect(errorsOf(fragmentWith({ p: 'a'.repeat(501) }))[0]).toMatch(/too long \(501 characters; at most 500\)/);
    expect(errorsOf(`#v=1&p=${'a'.repeat(MAX_FRAGMENT_CHARS)}`)[0]).toMatch(/link is too long/);
    expect(errorsOf(fragmentWith({ s: '99999999999999999999' }))[0]).toMatch(/seed “99999999999999999999” is not a whole number from 0 to 4294967295/);
    expect(errorsOf(fragmentWith({ s: '4294967296' }))[0]).toMatch(/seed/);
  });

  it.each([
    ['d', '0'], ['d', '61'], ['d', '1.5'], ['d', '-3'], ['d', '1e1'], ['d', '0x10'], ['d', ' 4'], ['d', 'NaN'], ['d', 'Infinity'], ['d', ''],
    ['n', '0'], ['n', '51'], ['n', '4.0'], ['s', '-1'], ['s', '1.5'], ['r', '300'], ['r', '2560'], ['g', '21'], ['g', '-1'], ['g', '1e3'], ['g', 'NaN'],
  ])('reject a bad number: %s=%s', (key, value) => {
    const errors = errorsOf(fragmentWith({ [key]: value }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/is not/);
  });

  it('reject aspects, styles and model names outside the schema', () => {
    expect(errorsOf(fragmentWith({ a: '21:9' }))[0]).toMatch(/aspect ratio “21:9” is not one of 16:9, 1:1, 9:16/);
    expect(errorsOf(fragmentWith({ st: 'watercolour' }))[0]).toMatch(/style “watercolour” is not one of/);
    expect(errorsOf(fragmentWith({ m: '../../etc/passwd' }))[0]).toMatch(/model name/);
    expect(errorsOf(fragmentWith({ m: 'zoetrope s' }))[0]).toMatch(/model name/);
    expect(errorsOf(fragmentWith({ mv: '<b>1</b>' }))[0]).toMatch(/model version/);
  });

  it('reject prototype-pollution keys and unknown or repeated fields, and touch no prototype', () => {
    const hostile = `${fragmentWith({})}&__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__=x`;
    const errors = errorsOf(hostile);
    expect(errors.join('\n')).toMatch(/field this app does not use \(“__proto__\[polluted\]”\)/);
    expect(errors.join('\n')).toMatch(/“__proto__”/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(errorsOf(`${fragmentWith({})}&s=1`)).toEqual(['The link gives the seed more than once.']);
  });

  it('reject a missing field, an unknown version, and report every problem at once', () => {
    expect(errorsOf(fragmentWith({ s: null }))).toEqual(['The link has no seed.']);
    expect(errorsOf(fragmentWith({ v: '2' }))[0]).toMatch(/version “2”, which this app cannot read/);
    expect(errorsOf(fragmentWith({ d: '99', a: 'x', n: '0' }))).toHaveLength(3);
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
